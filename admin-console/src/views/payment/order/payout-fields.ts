import type { FormRules } from 'element-plus'
import type { OfflinePayoutMethod } from '@/api/payment'

/** What a payout record says: the fields 登记线下支付 asks for and 更正 changes (PayoutFields.vue). */
export interface PayoutFieldValues {
  method: OfflinePayoutMethod | ''
  reference: string
  note: string
}

/**
 * The rules of those fields, as the BFF holds them: a reference unless paid in cash, a note when the method is 其他.
 * They follow the chosen method, so the caller recomputes them from its form.
 */
export const payoutFieldRules = (method: PayoutFieldValues['method']): FormRules => ({
  method: [{ required: true, message: '请选择线下支付方式', trigger: 'change' }],
  reference: [
    {
      required: method !== 'cash',
      message: '请填写转账流水号或凭证号（现金支付可不填）',
      trigger: 'blur',
    },
    { max: 64, message: '凭证号最多 64 个字符', trigger: 'blur' },
  ],
  note: [
    { required: method === 'other', message: '支付方式为“其他”时请在备注中说明', trigger: 'blur' },
    { max: 200, message: '备注最多 200 个字', trigger: 'blur' },
  ],
})
