// Picks the WeChat implementation at build time: process.env.TARO_ENV is a constant, so the other
// branch (and its module) is dropped from the bundle.
type WeChat = typeof import('./wechat.weapp')

// eslint-disable-next-line @typescript-eslint/no-require-imports
const impl: WeChat = process.env.TARO_ENV === 'h5' ? require('./wechat.h5') : require('./wechat.weapp')

export const wechatLoginCode = impl.wechatLoginCode
export const simulatedPhoneCode = impl.simulatedPhoneCode
export const usesSimulatedWeChat = impl.usesSimulatedWeChat
