/** What wx.requestPayment takes (the BFF signs it; appId is carried for the simulator's paySign check). */
export interface WxPayParams {
  appId: string
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA'
  paySign: string
}

/** True when a requestPayment rejection means the user closed the sheet (not an error to report). */
export function isPayCancel(e: unknown): boolean {
  return /cancel/i.test(String((e as { errMsg?: string } | null)?.errMsg ?? ''))
}
