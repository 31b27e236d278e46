import Taro from '@tarojs/taro'

/** A wx.login code for the BFF's code2session. */
export async function wechatLoginCode(): Promise<string> {
  const res = await Taro.login()
  if (!res.code) throw new Error(res.errMsg || 'wx.login returned no code')
  return res.code
}

/** Only the h5 preview needs this: in WeChat the getPhoneNumber button hands out the code. */
export async function simulatedPhoneCode(_phoneNumber: string): Promise<string> {
  throw new Error('simulated phone codes exist only in the h5 preview')
}

export const usesSimulatedWeChat = false

/**
 * wx.requestSubscribeMessage: WeChat's own dialog; resolves with `{ errMsg, [templateId]: 'accept' | 'reject' | … }`.
 * WeChat only shows it from a tap, so call it synchronously inside the tap handler.
 */
export async function requestSubscribe(tmplIds: string[]): Promise<Record<string, string>> {
  const res = await Taro.requestSubscribeMessage({
    tmplIds,
    entityIds: [],
  } as unknown as Taro.requestSubscribeMessage.Option)
  return res as unknown as Record<string, string>
}
