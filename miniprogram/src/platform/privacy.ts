import Taro from '@tarojs/taro'
import { reactive } from 'vue'

// WeChat's privacy authorization (小程序隐私协议开发指南): with __usePrivacyCheck__, a privacy API or component
// (getPhoneNumber, chooseAvatar, nickname input …) the user has not agreed to yet pauses and fires
// onNeedPrivacyAuthorization; the page shows our popup and answers through `resolve`. The h5 preview has no WeChat:
// the same popup is opened by askPrivacy() (our own consent, recorded by the BFF), so both run one component.

type WxResolve = (o: { event: 'exposureAuthorization' | 'agree' | 'disagree'; buttonId?: string }) => void

/** The popup's state; PrivacyPopup.vue renders it on the pages that can trigger a privacy request. */
export const privacyPrompt = reactive({ open: false, referrer: '' })
export const PRIVACY_AGREE_BUTTON_ID = 'privacy-agree'

let wxResolve: WxResolve | null = null
let waiters: ((agreed: boolean) => void)[] = []

const inWeChat = process.env.TARO_ENV === 'weapp'

/** Called once at launch: WeChat tells us when it needs the user's agreement. */
export function listenForPrivacyRequests(): void {
  if (!inWeChat || typeof Taro.onNeedPrivacyAuthorization !== 'function') return
  try {
    Taro.onNeedPrivacyAuthorization((resolve: WxResolve, info?: { referrer?: string }) => {
      wxResolve = resolve
      privacyPrompt.referrer = info?.referrer ?? ''
      privacyPrompt.open = true
      resolve({ event: 'exposureAuthorization' })
    })
  } catch {
    // a base library before 2.32.3 has no privacy events: WeChat then shows its own dialog
  }
}

/** Opens the popup and resolves with the user's answer. */
export function askPrivacy(): Promise<boolean> {
  privacyPrompt.open = true
  return new Promise((r) => waiters.push(r))
}

/** The popup's answer: WeChat's paused API goes on (or fails), and whoever asked is told. */
export function settlePrivacy(agreed: boolean): void {
  privacyPrompt.open = false
  wxResolve?.(agreed ? { buttonId: PRIVACY_AGREE_BUTTON_ID, event: 'agree' } : { event: 'disagree' })
  wxResolve = null
  const w = waiters
  waiters = []
  w.forEach((f) => f(agreed))
}

/** wx.requirePrivacyAuthorize: asks WeChat's side (our popup opens through the listener when needed). */
export async function requireWechatPrivacy(): Promise<boolean> {
  if (!inWeChat || typeof Taro.requirePrivacyAuthorize !== 'function') return true
  return new Promise((resolve) =>
    Taro.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) }),
  )
}

/** WeChat's own page listing the privacy guide filled in on the MP admin platform (h5: our policy page). */
export function openWechatPrivacyContract(fallbackUrl: string): void {
  if (inWeChat && typeof Taro.openPrivacyContract === 'function') void Taro.openPrivacyContract({})
  else void Taro.navigateTo({ url: fallbackUrl })
}

/** wx.openLocation: the hospital on WeChat's map. The h5 preview opens a map site instead. */
export function openMap(p: { latitude: number; longitude: number; name: string; address: string }): void {
  if (inWeChat) {
    void Taro.openLocation({
      latitude: p.latitude,
      longitude: p.longitude,
      name: p.name,
      address: p.address,
      scale: 16,
    })
    return
  }
  window.open(mapLink(p), '_blank', 'noopener')
}

/** A web map link for the h5 preview (Amap's URI API: a marker with the hospital's name). */
export function mapLink(p: { latitude: number; longitude: number; name: string }): string {
  return `https://uri.amap.com/marker?position=${p.longitude},${p.latitude}&name=${encodeURIComponent(p.name)}&coordinate=gaode`
}

export function callPhone(phone: string): void {
  if (inWeChat) void Taro.makePhoneCall({ phoneNumber: phone })
  else window.location.href = `tel:${phone}`
}
