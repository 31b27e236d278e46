// Picks the WeChat implementation at build time (see config.ts): the other module is dropped from the bundle.
// (The files avoid Taro's `.weapp.ts`/`.h5.ts` suffixes on purpose: Taro would resolve './wechat' to
// those directly and skip this switch.)
type WeChat = typeof import('./wechat.native')

// eslint-disable-next-line @typescript-eslint/no-require-imports
let impl: WeChat
if (process.env.TARO_ENV === 'h5') impl = require('./wechat.simulated')
else if (YIYUN_SIMULATED_WECHAT) impl = require('./wechat.simulated')
else impl = require('./wechat.native')

export const wechatLoginCode = impl.wechatLoginCode
export const simulatedPhoneCode = impl.simulatedPhoneCode
export const usesSimulatedWeChat = impl.usesSimulatedWeChat
export const requestSubscribe = impl.requestSubscribe
