import Taro from '@tarojs/taro'
import type { WxPayParams } from './payment.types'

/** WeChat's own pay sheet. Rejects with { errMsg: 'requestPayment:fail cancel' } when the user closes it. */
export async function requestPayment(params: WxPayParams): Promise<void> {
  await Taro.requestPayment({
    timeStamp: params.timeStamp,
    nonceStr: params.nonceStr,
    package: params.package,
    signType: params.signType,
    paySign: params.paySign,
  })
}
