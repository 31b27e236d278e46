import Taro from '@tarojs/taro'
import { apiBase } from './config'

/** The one raw socket the app holds; the chat protocol on top of it lives in api/realtime.ts. */
export interface RawSocket {
  send(text: string): void
  close(): void
  onOpen(fn: () => void): void
  onMessage(fn: (text: string) => void): void
  /** Closed by either side, or failed to open. */
  onClose(fn: (code: number) => void): void
}

/** ws(s):// origin of the BFF: the page's own host in h5, the configured https host (→ wss) in the mini-program. */
function socketUrl(): string {
  if (process.env.TARO_ENV === 'h5') {
    const base = apiBase || `${location.protocol}//${location.host}`
    return `${base.replace(/^http/, 'ws')}/api/ws`
  }
  return `${apiBase.replace(/^http/, 'ws')}/api/ws`
}

/**
 * Opens the app's socket with the access token. The browser (h5) offers the token as a subprotocol next to 'yiyun';
 * the mini-program sends it as Authorization (wx.connectSocket's header), on the configured wss:// domain only.
 */
export function openSocket(token: string): RawSocket {
  if (process.env.TARO_ENV === 'h5') {
    const ws = new WebSocket(socketUrl(), ['yiyun', token])
    return {
      send: (t) => ws.send(t),
      close: () => ws.close(),
      onOpen: (fn) => ws.addEventListener('open', () => fn()),
      onMessage: (fn) => ws.addEventListener('message', (e) => fn(String(e.data))),
      onClose: (fn) => ws.addEventListener('close', (e) => fn(e.code)),
    }
  }
  const openers: (() => void)[] = []
  const messages: ((t: string) => void)[] = []
  const closers: ((code: number) => void)[] = []
  let task: Taro.SocketTask | null = null
  let closed = false
  const close = (code: number) => {
    if (closed) return
    closed = true
    for (const fn of closers) fn(code)
  }
  void Taro.connectSocket({
    url: socketUrl(),
    header: { Authorization: `Bearer ${token}` },
    protocols: ['yiyun'],
  })
    .then((t) => {
      task = t
      t.onOpen(() => openers.forEach((fn) => fn()))
      t.onMessage((m) => messages.forEach((fn) => fn(typeof m.data === 'string' ? m.data : '')))
      t.onClose((r) => close(r.code))
      t.onError(() => close(1006))
    })
    .catch(() => close(1006))
  return {
    send: (text) => void task?.send({ data: text }),
    close: () => void task?.close({}),
    onOpen: (fn) => openers.push(fn),
    onMessage: (fn) => messages.push(fn),
    onClose: (fn) => closers.push(fn),
  }
}

/** The app came back to the foreground / went to the background (WeChat kills sockets in the background). */
export function onAppShow(fn: () => void): void {
  Taro.onAppShow(() => fn())
}
export function onAppHide(fn: () => void): void {
  Taro.onAppHide(() => fn())
}
