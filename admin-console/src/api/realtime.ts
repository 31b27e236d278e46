import { get } from './http'
import { tokens } from './tokens'

type Frame = Record<string, any>
type Listener = (data: any) => void

/**
 * The console's one socket to the BFF (GET /api/ws, the access token offered as a subprotocol next to 'yiyun'):
 * every live feature shares it — the header's unread badge, the workbench's conversations. It reconnects by itself
 * (after making sure the access token is fresh), subscribes again to every channel someone listens on, and then
 * tells `onResume` listeners so they catch up on what they missed.
 */
class ConsoleSocket {
  private ws: WebSocket | null = null
  private opening: Promise<WebSocket> | null = null
  private listeners = new Map<string, Set<Listener>>()
  private resumeHooks = new Set<() => void>()
  private waiting = new Map<string, (f: Frame) => void>()
  private nextId = 1
  private retryMs = 1000
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = true

  /** True while the socket is open: the workbench sends over HTTP otherwise. */
  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    void this.connect().catch(() => undefined)
  }

  /** Logout: close and forget every subscription. */
  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.listeners.clear()
    this.resumeHooks.clear()
    this.ws?.close()
    this.ws = null
  }

  private connect(): Promise<WebSocket> {
    if (this.open) return Promise.resolve(this.ws!)
    this.opening ??= new Promise<WebSocket>((resolve, reject) => {
      const token = tokens.access
      if (!token) return reject(new Error('not signed in'))
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`
      const ws = new WebSocket(url, ['yiyun', token])
      let ready = false
      ws.onmessage = (ev) => {
        const f = JSON.parse(String(ev.data)) as Frame
        if (f.type === 'ready') {
          ready = true
          this.ws = ws
          this.retryMs = 1000
          resolve(ws)
          void this.resubscribe()
          return
        }
        if (f.id !== undefined && this.waiting.has(String(f.id))) {
          this.waiting.get(String(f.id))!(f)
          this.waiting.delete(String(f.id))
          return
        }
        if (f.type === 'message' && typeof f.channel === 'string')
          for (const l of this.listeners.get(f.channel) ?? []) l(f.data)
      }
      ws.onclose = () => {
        if (!ready) reject(new Error('socket closed'))
        if (this.ws === ws) this.ws = null
        for (const [id, done] of this.waiting) {
          done({ type: 'error', code: 'NETWORK', message: '连接已断开' })
          this.waiting.delete(id)
        }
        this.scheduleReconnect()
      }
    }).finally(() => {
      this.opening = null
    })
    return this.opening
  }

  private scheduleReconnect() {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = setTimeout(async () => {
      // A refused upgrade or a 4401 close usually means the access token expired: any API call refreshes it.
      await get('/me', undefined, { silent: true }).catch(() => undefined)
      if (!this.stopped) void this.connect().catch(() => undefined)
    }, this.retryMs)
    this.retryMs = Math.min(this.retryMs * 2, 15_000)
  }

  private async resubscribe() {
    for (const channel of this.listeners.keys()) await this.request({ type: 'subscribe', channel })
    for (const hook of this.resumeHooks) hook()
  }

  /** A frame with an id; resolves with the server's answer to it (an `error` frame included). */
  async request(frame: Frame): Promise<Frame> {
    const ws = await this.connect()
    const id = `c${this.nextId++}`
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      ws.send(JSON.stringify({ ...frame, id }))
    })
  }

  /** Listens on a channel (subscribing the socket when the first listener arrives); returns the unsubscribe. */
  subscribe(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel)
    if (!set) {
      set = new Set()
      this.listeners.set(channel, set)
      if (this.open) void this.request({ type: 'subscribe', channel })
    }
    set.add(listener)
    return () => {
      set!.delete(listener)
      if (set!.size === 0) {
        this.listeners.delete(channel)
        if (this.open) void this.request({ type: 'unsubscribe', channel })
      }
    }
  }

  /** Called after every reconnect, once the channels are subscribed again: catch up from the last seq. */
  onResume(hook: () => void): () => void {
    this.resumeHooks.add(hook)
    return () => this.resumeHooks.delete(hook)
  }
}

export const consoleSocket = new ConsoleSocket()
