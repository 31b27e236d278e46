/**
 * The debit cards WeChat Pay's 发起异常退款 (USER_BANK_CARD) accepts, by its bank_type code: 招行、交通银行、农行、建行、
 * 工商、中行、平安、浦发、中信、光大、民生、兴业、广发、邮储、宁波银行. Shared by the BFF's validation, the console's
 * picker and the simulated gateway.
 *
 * Checked against WeChat Pay's documentation of 发起异常退款 for 普通商户 (POST
 * /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund, page updated 2024-12-30:
 * https://pay.weixin.qq.com/docs/merchant/apis/refund/refunds/create-abnormal-refund.html): "bank_type … 仅支持招行、
 * 交通银行、农行、建行、工商、中行、平安、浦发、中信、光大、民生、兴业、广发、邮储、宁波银行的借记卡。若退款至用户此字段
 * 必填" — the same 15 banks as here (the 服务商 and 合单 versions of the page say the same). The codes are WeChat's
 * 银行类型 (`<BANK>_DEBIT`, https://pay.weixin.qq.com/wiki/doc/apiv3/terms_definition/chapter1_1_3.shtml); the
 * OpenAPI-derived enum at https://wechatpay.im/openapi/v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund
 * (not WeChat's own site) lists exactly these 15 codes for the field.
 */
export const ABNORMAL_REFUND_BANKS = {
  ICBC_DEBIT: '工商银行',
  ABC_DEBIT: '农业银行',
  BOC_DEBIT: '中国银行',
  CCB_DEBIT: '建设银行',
  COMM_DEBIT: '交通银行',
  CMB_DEBIT: '招商银行',
  PSBC_DEBIT: '邮储银行',
  SPDB_DEBIT: '浦发银行',
  CITIC_DEBIT: '中信银行',
  CEB_DEBIT: '光大银行',
  CMBC_DEBIT: '民生银行',
  CIB_DEBIT: '兴业银行',
  GDB_DEBIT: '广发银行',
  PAB_DEBIT: '平安银行',
  NBCB_DEBIT: '宁波银行',
} as const satisfies Record<string, string>;

export type AbnormalRefundBank = keyof typeof ABNORMAL_REFUND_BANKS;

/**
 * Where 发起异常退款 sends an abnormal refund's money (its `type`): USER_BANK_CARD to a debit card of the payer's,
 * MERCHANT_BANK_CARD to the hospital's own merchant account (退款至交易商户银行账户), from which staff pay the patient
 * by hand and record it (登记线下支付).
 */
export const ABNORMAL_REFUND_TYPES = {
  USER_BANK_CARD: '退回用户银行卡',
  MERCHANT_BANK_CARD: '退至医院账户（线下支付）',
} as const satisfies Record<string, string>;

export type AbnormalRefundType = keyof typeof ABNORMAL_REFUND_TYPES;

/** How staff paid a MERCHANT_BANK_CARD refund out to the patient (登记线下支付). */
export const OFFLINE_PAYOUT_METHODS = {
  bank_transfer: '银行转账',
  cash: '现金',
  wechat_transfer: '微信转账',
  other: '其他',
} as const satisfies Record<string, string>;

export type OfflinePayoutMethod = keyof typeof OFFLINE_PAYOUT_METHODS;
