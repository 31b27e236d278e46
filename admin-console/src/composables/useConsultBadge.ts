import { ref } from 'vue'
import { consoleSocket } from '@/api/realtime'
import { workbenchApi } from '@/api/consult'

/** The physician's unread consultation messages, shared by the header badge and the workbench. */
const unread = ref(0)
const listeners = new Set<() => void>()
let stop: (() => void) | null = null

/**
 * Starts listening once per login on the physician's personal channel, where the BFF pushes `consult.unread` after
 * every patient message and read receipt (from whichever instance handled it).
 */
export function useConsultBadge(userId: number) {
  if (!stop) {
    consoleSocket.start()
    const off = consoleSocket.subscribe(`admin-user:${userId}`, (data: { type?: string; unread?: number }) => {
      if (data?.type !== 'consult.unread') return
      unread.value = data.unread ?? 0
      for (const l of listeners) l()
    })
    const offResume = consoleSocket.onResume(() => void refresh())
    stop = () => {
      off()
      offResume()
    }
    void refresh()
  }
  return { unread, refresh, onChange }
}

async function refresh() {
  try {
    unread.value = (await workbenchApi.unread()).unread
  } catch {
    // the badge keeps its last value; the next push corrects it
  }
}

/** The workbench reloads its list when the badge moves (a new patient message somewhere). */
function onChange(fn: () => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** Logout: the next login starts afresh. */
export function stopConsultBadge(): void {
  stop?.()
  stop = null
  unread.value = 0
  consoleSocket.stop()
}
