import type { DictItem, DictType } from '@/api/types'

export type DictTypeFormModel = Omit<DictType, 'id' | 'remark'> & { remark: string }
export const emptyDictTypeForm = (): DictTypeFormModel => ({ type: '', name: '', status: 'active', remark: '' })

export type DictItemFormModel = Omit<DictItem, 'id' | 'cssClass'> & { cssClass: string }
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
