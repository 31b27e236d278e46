import { apiBase } from './config'
import { rawRequest } from './http'
import { storage } from './storage'

// The simulated WeChat (h5 preview, or a weapp build with YIYUN_SIMULATED_WECHAT=1): the BFF in
// embedded/demo mode exposes it at /sim-wechat and hands out the same kind of codes wx.login and the
// phone-number button would. Never call Taro.login here: an h5 build resolves it with "暂时不支持 API".
const OPENID_KEY = 'yiyun.sim.openid'

function simulatedOpenid(): string {
  let openid = storage.get<string>(OPENID_KEY)
  if (!openid) {
    const bytes = new Uint8Array(12)
    crypto.getRandomValues(bytes)
    openid = 'h5-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
    storage.set(OPENID_KEY, openid)
  }
  return openid
}

async function simCode(path: string, body: unknown): Promise<string> {
  const res = await rawRequest({ url: `${apiBase}/sim-wechat/__sim/${path}`, method: 'POST', data: body })
  const code = (res.data as { code?: string } | null)?.code
  if (res.status !== 200 || !code) throw new Error(`simulated WeChat ${path} failed (HTTP ${res.status})`)
  return code
}

export function wechatLoginCode(): Promise<string> {
  return simCode('login', { openid: simulatedOpenid() })
}

export function simulatedPhoneCode(phoneNumber: string): Promise<string> {
  return simCode('phone-code', { phoneNumber })
}

export const usesSimulatedWeChat = true

/**
 * The simulated WeChat's answer to wx.requestSubscribeMessage: the preview's user accepts every template, and the
 * simulator records it, so it delivers one subscribe message per acceptance as WeChat would.
 */
export async function requestSubscribe(tmplIds: string[]): Promise<Record<string, string>> {
  const result = Object.fromEntries(tmplIds.map((id) => [id, 'accept']))
  const res = await rawRequest({
    url: `${apiBase}/sim-wechat/__sim/subscribe`,
    method: 'POST',
    data: { openid: simulatedOpenid(), result },
  })
  if (res.status !== 200) throw new Error(`simulated WeChat subscribe failed (HTTP ${res.status})`)
  return res.data as Record<string, string>
}
