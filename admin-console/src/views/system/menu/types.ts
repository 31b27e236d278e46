import type { MenuBody } from '@/api/system'

type Blankable = 'path' | 'component' | 'perms' | 'icon'
/** The form holds what MenuCreate accepts (the BFF's schema), blanks as '' for the inputs. */
export type MenuFormModel = Omit<Required<MenuBody>, Blankable> & Record<Blankable, string>
export const MENU_TYPES = [
  { value: 'D', label: '目录', tag: 'primary' },
  { value: 'M', label: '菜单', tag: 'success' },
  { value: 'B', label: '按钮', tag: 'info' },
] as const
export const emptyMenuForm = (parentId: number | null = null): MenuFormModel => ({
  parentId,
  name: '',
  type: 'M',
  path: '',
  component: '',
  perms: '',
  icon: '',
  orderNum: 0,
  visible: true,
  status: 'active',
})

/** The body MenuCreate (and MenuUpdate, which takes every field) accepts: blanks are null, a component only on a page. */
export function menuBody(f: MenuFormModel): MenuBody {
  const nullIfBlank = (s: string) => (s.trim() ? s.trim() : null)
  return {
    parentId: f.parentId,
    name: f.name,
    type: f.type,
    path: nullIfBlank(f.path),
    component: f.type === 'M' ? nullIfBlank(f.component) : null,
    perms: nullIfBlank(f.perms),
    icon: nullIfBlank(f.icon),
    orderNum: f.orderNum,
    visible: f.visible,
    status: f.status,
  }
}
