/**
 * The debit cards WeChat Pay's 发起异常退款 (USER_BANK_CARD) accepts, by its bank_type code: 招行、交通银行、农行、建行、
 * 工商、中行、平安、浦发、中信、光大、民生、兴业、广发、邮储、宁波银行. Shared by the BFF's validation, the console's
 * picker and the simulated gateway.
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
