import { onActivated, onDeactivated, onMounted, onUnmounted } from 'vue'

/**
 * Calls `fn` now and every `ms` while the page is on screen: stops when the page is left (unmounted, or kept alive
 * in a background tab) and while the browser tab is hidden, and starts again when it is back. One call at a time.
 */
export function usePolling(fn: () => Promise<unknown>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let active = false
  let inFlight = false

  async function tick() {
    timer = undefined
    if (!active || document.hidden) return
    if (!inFlight) {
      inFlight = true
      try {
        await fn()
      } catch {
        // the api client already showed the error; keep polling
      } finally {
        inFlight = false
      }
    }
    if (active && !timer) timer = setTimeout(tick, ms)
  }
  function start() {
    if (active) return
    active = true
    void tick()
  }
  function stop() {
    active = false
    clearTimeout(timer)
    timer = undefined
  }
  const onVisibility = () => {
    if (!active) return
    clearTimeout(timer)
    timer = undefined
    if (!document.hidden) void tick()
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    start()
  })
  onActivated(start)
  onDeactivated(stop)
  onUnmounted(() => {
    stop()
    document.removeEventListener('visibilitychange', onVisibility)
  })
  return { refresh: tick, stop }
}
