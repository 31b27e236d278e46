import type { DictItemBody, DictItemUpdateBody, DictTypeBody, DictTypeUpdateBody } from '@/api/system'

/** The forms hold what DictTypeCreate / DictItemCreate accept (the BFF's schemas), blanks as '' for the inputs. */
export type DictTypeFormModel = Omit<Required<DictTypeBody>, 'remark'> & { remark: string }
export const emptyDictTypeForm = (): DictTypeFormModel => ({ type: '', name: '', status: 'active', remark: '' })
/** What DictTypeUpdate takes — a dictionary's type is its key (items refer to it) — checked by `satisfies`. */
export const dictTypeUpdateBody = (f: DictTypeFormModel) =>
  ({ name: f.name, status: f.status, remark: f.remark || null }) satisfies DictTypeUpdateBody
export const dictTypeCreateBody = (f: DictTypeFormModel): DictTypeBody => ({ ...dictTypeUpdateBody(f), type: f.type })

export type DictItemFormModel = Omit<Required<DictItemBody>, 'cssClass'> & { cssClass: TagStyle | '' }
export const emptyDictItemForm = (dictType: string): DictItemFormModel => ({
  dictType,
  label: '',
  value: '',
  orderNum: 0,
  cssClass: '',
  status: 'active',
})
export const TAG_STYLES = ['', 'primary', 'success', 'info', 'warning', 'danger'] as const
export type TagStyle = Exclude<(typeof TAG_STYLES)[number], ''>

/** An item stays in its dictionary: the type is sent when it is created, never on an update (DictItemUpdate). */
export const dictItemUpdateBody = (f: DictItemFormModel) =>
  ({
    label: f.label,
    value: f.value,
    orderNum: f.orderNum,
    status: f.status,
    cssClass: f.cssClass || null,
  }) satisfies DictItemUpdateBody
export const dictItemCreateBody = (f: DictItemFormModel): DictItemBody => ({
  ...dictItemUpdateBody(f),
  dictType: f.dictType,
})
