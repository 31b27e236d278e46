import Taro from '@tarojs/taro'
import { apiBase } from './config'
import { rawRequest } from './http'
import type { WxPayParams } from './payment.types'

// The simulated WeChat Pay (h5 preview, or a weapp build with YIYUN_SIMULATED_WECHAT=1): the BFF's demo mode
// proxies a spec-faithful local gateway at /sim-wechatpay/__sim. The sheet below stands in for WeChat's own
// pay sheet and is labelled as a simulation; confirming sends the exact wx.requestPayment params, whose
// paySign the gateway verifies like the WeChat client does. No real money moves.

const SIM = `${apiBase}/sim-wechatpay/__sim`

interface SimOrder {
  amountFen: number
  description: string
  tradeState: string
  expiresAt: string | null
}

const fail = (errMsg: string) => Object.assign(new Error(errMsg), { errMsg })

async function order(prepayId: string): Promise<SimOrder> {
  const res = await rawRequest({ url: `${SIM}/order/${encodeURIComponent(prepayId)}`, method: 'GET' })
  if (res.status !== 200)
    throw fail(`requestPayment:fail ${(res.data as { message?: string } | null)?.message ?? '支付单不存在'}`)
  return res.data as SimOrder
}

async function pay(params: WxPayParams): Promise<void> {
  const res = await rawRequest({ url: `${SIM}/pay`, method: 'POST', data: params })
  if (res.status !== 200)
    throw fail(`requestPayment:fail ${(res.data as { message?: string } | null)?.message ?? '支付失败'}`)
}

async function cancel(prepayId: string): Promise<never> {
  await rawRequest({ url: `${SIM}/cancel`, method: 'POST', data: { prepayId } }).catch(() => {})
  throw fail('requestPayment:fail cancel')
}

/** Plain DOM (the browser preview only): it must cover the whole app, tab bar included, like WeChat's sheet. */
function domSheet(o: SimOrder): Promise<boolean> {
  return new Promise((resolve) => {
    const el = (tag: string, cls: string, style: string, text?: string) => {
      const n = document.createElement(tag)
      n.className = cls
      n.setAttribute('style', style)
      if (text !== undefined) n.textContent = text
      return n
    }
    const mask = el(
      'div',
      'sim-pay-mask',
      'position:fixed;inset:0;z-index:2000;background:rgba(0,0,0,.5);display:flex;flex-direction:column;justify-content:flex-end;font-family:inherit',
    )
    const sheet = el(
      'div',
      'sim-pay-sheet',
      'background:#fff;border-radius:16px 16px 0 0;padding:18px 20px 28px;display:flex;flex-direction:column;align-items:center;color:#1f2329',
    )
    sheet.append(
      el(
        'div',
        'sim-pay-badge',
        'align-self:stretch;text-align:center;font-size:13px;color:#a15c00;background:#fff4e0;border-radius:6px;padding:5px 0;margin-bottom:14px',
        '模拟微信支付 · 仅用于浏览器预览，不会真实扣款',
      ),
      el('div', 'sim-pay-title', 'font-size:16px;color:#5b6470', '微信支付'),
      el('div', 'sim-pay-desc', 'font-size:15px;margin-top:10px;text-align:center', o.description),
      el(
        'div',
        'sim-pay-amount',
        'font-size:40px;font-weight:700;margin:10px 0 4px;letter-spacing:1px',
        `¥${(o.amountFen / 100).toFixed(2)}`,
      ),
      el(
        'div',
        'sim-pay-method',
        'align-self:stretch;display:flex;justify-content:space-between;font-size:15px;color:#5b6470;border-top:1px solid #edf0f2;padding-top:12px;margin-top:12px',
        '',
      ),
    )
    const method = sheet.querySelector('.sim-pay-method')!
    method.append(el('span', '', '', '付款方式'), el('span', '', 'color:#1f2329', '零钱（模拟）'))
    const confirm = el(
      'button',
      'sim-pay-confirm',
      'align-self:stretch;margin-top:22px;height:50px;border:none;border-radius:8px;background:#077a3c;color:#fff;font-size:18px;font-weight:600',
      '确认支付',
    )
    const close = el(
      'button',
      'sim-pay-cancel',
      'align-self:stretch;margin-top:10px;height:48px;border:none;border-radius:8px;background:#f2f3f5;color:#3a424d;font-size:17px',
      '取消',
    )
    sheet.append(confirm, close)
    sheet.setAttribute('role', 'dialog')
    sheet.setAttribute('aria-modal', 'true')
    sheet.setAttribute('aria-label', '模拟微信支付')
    mask.append(sheet)
    const done = (ok: boolean) => {
      mask.remove()
      resolve(ok)
    }
    confirm.addEventListener('click', () => {
      confirm.setAttribute('disabled', 'true')
      confirm.textContent = '支付中…'
      done(true)
    })
    close.addEventListener('click', () => done(false))
    mask.addEventListener('click', (e) => {
      if (e.target === mask) done(false)
    })
    // a dialog from the keyboard too: focus goes to 确认支付 (it came from the page's pay button), Escape is 取消
    mask.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') done(false)
    })
    document.body.append(mask)
    confirm.focus()
  })
}

/** Same contract as wx.requestPayment: resolves when paid, rejects with { errMsg } otherwise. */
export async function requestPayment(params: WxPayParams): Promise<void> {
  const prepayId = params.package.replace(/^prepay_id=/, '')
  const o = await order(prepayId)
  if (o.tradeState === 'SUCCESS') return
  let ok: boolean
  if (process.env.TARO_ENV === 'h5') ok = await domSheet(o)
  else {
    const r = await Taro.showModal({
      title: '模拟微信支付',
      content: `${o.description}\n¥${(o.amountFen / 100).toFixed(2)}\n（仅用于预览，不会真实扣款）`,
      confirmText: '确认支付',
      cancelText: '取消',
      confirmColor: '#07c160',
    })
    ok = !!r.confirm
  }
  if (!ok) return cancel(prepayId)
  await pay(params)
}
