import type { RouteLocationNormalized, RouteRecordRaw, Router } from 'vue-router'
import type { MenuNode } from '@/api/types'
import { resolveView } from './views'

export const LAYOUT = 'Layout'

export interface SidebarItem {
  key: string
  title: string
  icon: string | null
  path: string | null
  children: SidebarItem[]
}

function joinPath(base: string, path: string): string {
  if (path.startsWith('/')) return path
  return `${base.replace(/\/+$/, '')}/${path}`.replace(/\/{2,}/g, '/')
}

const dirOf = (component: string | null) => (component ? component.split('/').slice(0, -1).join('/') : null)
const sortByOrder = (a: MenuNode, b: MenuNode) => a.orderNum - b.orderNum

/**
 * Turns the user's menus into child routes of the layout, and the sidebar tree. A menu without a known view still
 * gets a route (to the 404 view) so a broken seed is visible instead of silently missing.
 */
export function buildFromMenus(menus: MenuNode[]): { routes: RouteRecordRaw[]; sidebar: SidebarItem[] } {
  const routes: RouteRecordRaw[] = []
  const walk = (nodes: MenuNode[], base: string, trail: string[]): SidebarItem[] =>
    [...nodes].sort(sortByOrder).flatMap((node): SidebarItem[] => {
      const full = joinPath(base, node.path || '')
      if (node.type === 'D') {
        const children = walk(node.children ?? [], full, [...trail, node.name])
        return children.length ? [{ key: `d${node.id}`, title: node.name, icon: node.icon, path: null, children }] : []
      }
      const hidden = node.visible === false || full.includes(':')
      // A hidden page (dict items) belongs to the visible sibling whose view lives in the same folder (the dict
      // list): it shows in the breadcrumb and stays lit in the sidebar.
      const owner = hidden
        ? nodes.find(
            (n) => n !== node && n.visible !== false && n.type === 'M' && dirOf(n.component) === dirOf(node.component),
          )
        : undefined
      routes.push({
        path: full,
        name: `menu-${node.id}`,
        component: resolveView(node.component) ?? (() => import('@/views/error/404.vue')),
        meta: {
          title: node.name,
          icon: node.icon,
          trail: owner ? [...trail, owner.name] : trail,
          activeMenu: owner ? joinPath(base, owner.path || '') : undefined,
          hidden,
          // one tab per parameter value, so the titles must tell them apart
          ...(full.includes(':') && {
            tabTitle: (r: RouteLocationNormalized) => `${node.name} · ${Object.values(r.params).flat().join('/')}`,
          }),
        },
      })
      // a menu may have hidden children (e.g. detail pages) that are routes but not sidebar items
      const sub = node.children?.length ? walk(node.children, full, [...trail, node.name]) : []
      return hidden ? [] : [{ key: `m${node.id}`, title: node.name, icon: node.icon, path: full, children: sub }]
    })
  const sidebar = walk(menus, '/', [])
  return { routes, sidebar }
}

/** Pages reached from another page rather than the sidebar, for when the BFF's menus don't carry them as hidden entries. */
export const detailRoutes: { route: RouteRecordRaw; perms: string[] }[] = [
  {
    perms: ['system:dict:list'],
    route: {
      path: '/system/dict-data/:type',
      name: 'dict-data',
      component: () => import('@/views/system/dict/data.vue'),
      meta: {
        title: '字典数据',
        trail: ['系统管理', '字典管理'],
        activeMenu: '/system/dict',
        hidden: true,
        tabTitle: (r) => `字典数据 · ${String(r.params.type)}`,
      },
    },
  },
]

let removers: (() => void)[] = []

export function installRoutes(router: Router, routes: RouteRecordRaw[]): void {
  uninstallRoutes()
  removers = routes.map((r) => router.addRoute(LAYOUT, r))
}

export function uninstallRoutes(): void {
  removers.forEach((remove) => remove())
  removers = []
}
