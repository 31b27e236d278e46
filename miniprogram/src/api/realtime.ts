import { onAppHide, onAppShow, openSocket, type RawSocket } from '@/platform'
import { freshAccessToken } from './client'

type Frame = Record<string, any>
type Listener = (data: any) => void

/**
 * ONE socket per app (WeChat allows a mini-program five at once, and kills them in the background): every
 * conversation and live update shares it. It reconnects by itself — after the app comes back to the foreground at
 * once, otherwise with a growing delay — subscribes again to every channel someone listens on, and then calls the
 * `onResume` hooks so each screen catches up from the last seq it holds.
 */
class AppSocket {
  private socket: RawSocket | null = null
  private isOpen = false
  private opening: Promise<void> | null = null
  private listeners = new Map<string, Set<Listener>>()
  private resumeHooks = new Set<() => void>()
  private waiting = new Map<string, (f: Frame) => void>()
  private nextId = 1
  private retryMs = 1000
  private timer: ReturnType<typeof setTimeout> | undefined
  private failures = 0
  private hidden = false

  constructor() {
    onAppHide(() => {
      this.hidden = true
      clearTimeout(this.timer)
      this.socket?.close()
    })
    onAppShow(() => {
      this.hidden = false
      if (this.listeners.size) void this.connect().catch(() => undefined)
    })
  }

  get open(): boolean {
    return this.isOpen
  }

  connect(): Promise<void> {
    if (this.isOpen) return Promise.resolve()
    this.opening ??= (async () => {
      // After a refused upgrade (expired token) the next try refreshes the token first.
      const token = await freshAccessToken(this.failures > 0)
      await new Promise<void>((resolve, reject) => {
        const s = openSocket(token)
        let ready = false
        s.onMessage((text) => {
          let f: Frame
          try {
            f = JSON.parse(text) as Frame
          } catch {
            return
          }
          if (f.type === 'ready') {
            ready = true
            this.socket = s
            this.isOpen = true
            this.failures = 0
            this.retryMs = 1000
            resolve()
            void this.resubscribe()
            return
          }
          const id = f.id === undefined ? undefined : String(f.id)
          if (id && this.waiting.has(id)) {
            this.waiting.get(id)!(f)
            this.waiting.delete(id)
            return
          }
          if (f.type === 'message' && typeof f.channel === 'string')
            for (const l of this.listeners.get(f.channel) ?? []) l(f.data)
        })
        s.onClose(() => {
          if (!ready) {
            this.failures++
            reject(new Error('连接失败'))
          }
          if (this.socket === s) {
            this.socket = null
            this.isOpen = false
          }
          for (const [id, done] of this.waiting) {
            done({ type: 'error', code: 'NETWORK', message: '连接已断开' })
            this.waiting.delete(id)
          }
          this.scheduleReconnect()
        })
      })
    })().finally(() => {
      this.opening = null
    })
    return this.opening
  }

  private scheduleReconnect() {
    clearTimeout(this.timer)
    if (this.hidden || !this.listeners.size) return
    this.timer = setTimeout(() => void this.connect().catch(() => undefined), this.retryMs)
    this.retryMs = Math.min(this.retryMs * 2, 15_000)
  }

  private async resubscribe() {
    for (const channel of this.listeners.keys()) await this.request({ type: 'subscribe', channel })
    for (const hook of this.resumeHooks) hook()
  }

  async request(frame: Frame): Promise<Frame> {
    await this.connect()
    const id = `m${this.nextId++}`
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.socket!.send(JSON.stringify({ ...frame, id }))
    })
  }

  subscribe(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel)
    if (!set) {
      set = new Set()
      this.listeners.set(channel, set)
      if (this.isOpen) void this.request({ type: 'subscribe', channel })
      else void this.connect().catch(() => this.scheduleReconnect())
    }
    set.add(listener)
    return () => {
      set!.delete(listener)
      if (set!.size === 0) {
        this.listeners.delete(channel)
        if (this.isOpen) void this.request({ type: 'unsubscribe', channel })
      }
    }
  }

  onResume(hook: () => void): () => void {
    this.resumeHooks.add(hook)
    return () => this.resumeHooks.delete(hook)
  }
}

export const appSocket = new AppSocket()
