// Picks the WeChat Pay implementation at build time, like wechat.ts (see the note there on file suffixes).
type Payment = typeof import('./payment.native')

// eslint-disable-next-line @typescript-eslint/no-require-imports
let impl: Payment
if (process.env.TARO_ENV === 'h5') impl = require('./payment.simulated')
else if (YIYUN_SIMULATED_WECHAT) impl = require('./payment.simulated')
else impl = require('./payment.native')

export const requestPayment = impl.requestPayment
export { isPayCancel, type WxPayParams } from './payment.types'
