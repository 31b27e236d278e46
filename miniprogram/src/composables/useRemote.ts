import { ref } from 'vue'

export type RemoteState = 'loading' | 'ready' | 'error'

export interface RemoteOptions {
  /**
   * Once something is on screen, a reload (page shown again, pull-down) refreshes it in place instead of replacing
   * it with the spinner. Off for loads that change what is shown (another tab, another filter).
   */
  refreshInPlace?: boolean
}

/**
 * The loading / error / ready state of what a page fetches, for its StateView: every page used to repeat it.
 * `fetch` gets the data, `show` puts it on the page; a load that a later one superseded is dropped, so a slow
 * answer for the previous tab never overwrites the current one. `show` returns false when the page is leaving
 * instead (a redirect): the spinner stays rather than flashing the page's content.
 */
export function useRemote<T>(fetch: () => Promise<T>, show: (value: T) => void | false, opts: RemoteOptions = {}) {
  const state = ref<RemoteState>('loading')
  const error = ref('')
  let seq = 0
  let shown = false

  async function load(): Promise<void> {
    const mine = ++seq
    if (!(opts.refreshInPlace && shown)) state.value = 'loading'
    try {
      const value = await fetch()
      if (mine !== seq) return
      if (show(value) === false) return
      shown = true
      state.value = 'ready'
    } catch (e) {
      if (mine !== seq) return
      error.value = e instanceof Error ? e.message : String(e)
      state.value = 'error'
    }
  }

  return { state, error, load }
}
