/** Origin of the BFF: the h5 build is served by the BFF itself; the weapp build calls a configured host. */
export const apiBase: string = process.env.TARO_ENV === 'h5' ? '' : YIYUN_API_BASE

/**
 * The browser has no WeChat, so h5 always uses the BFF's simulated WeChat. A weapp build can opt in with
 * YIYUN_SIMULATED_WECHAT=1 (DevTools with the touristappid placeholder against an `npm start` demo BFF,
 * whose simulated WeChat does not know DevTools' login codes). Both are build-time constants, so the
 * unused implementation is dropped from the bundle.
 */
export const simulatedWeChat: boolean = process.env.TARO_ENV === 'h5' || YIYUN_SIMULATED_WECHAT
