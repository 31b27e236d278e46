import type { Directive } from 'vue'

// Keyboard access in the h5 preview (WCAG 2.1.1, 2.4.3). WeChat has no keyboard to speak of and its own components
// answer its screen reader: every function here does nothing outside h5 (process.env.TARO_ENV is a build-time
// constant, so the weapp build drops the DOM code).
const h5 = () => process.env.TARO_ENV === 'h5' && typeof document !== 'undefined'

const activates = (e: KeyboardEvent) => e.key === 'Enter' || e.key === ' '

// What the keyboard must reach in h5, marked as Taro creates it:
// - every page element: the preview scrolls each page inside it (.taro_page, overflow-y: scroll), and a scrolling
//   region must be reachable from the keyboard;
// - the title bar's 返回 and 首页 (Taro's router draws them as unnamed divs);
// - every Taro <button> (taro-button-core: a custom element, no browser makes it focusable, and it has no role) and
//   every view a template declares something to press (role button, link, tab, radio, checkbox or switch): a stop in
//   the tab order, and Enter or Space taps it (a tap is a click in h5). A disabled Taro button stays reachable, says so
//   (aria-disabled) and does nothing when pressed, as Taro itself ignores its clicks. In a radio group or a tab list
//   the group is the one stop, and the arrows go from item to item (below).
// So a template only says what a view is (role, name) — the same words WeChat's screen reader uses — and the keyboard
// follows from that here, in one place.
const PAGE = '.taro_page:not([tabindex])'
// Taro's h5 title bar draws 返回 and 首页 as bare divs with a click listener and an icon: named buttons here
const TITLE_BAR_BUTTONS: [string, string][] = [
  ['.taro-navigation-bar-back:not([role])', '返回'],
  ['.taro-navigation-bar-home:not([role])', '首页'],
]
const ACTIONS = 'taro-button-core, [role=button], [role=link], [role=tab], [role=radio], [role=checkbox], [role=switch]'

// A radio group or a tab list is one stop in the tab order, not one per item (WAI-ARIA's radio group and tabs
// patterns, roving tabindex): Tab lands on the chosen item (aria-checked / aria-selected true), else the first; the
// arrows move to the next or previous item and choose it (a click, so the view's own @tap runs) — ←/→ in a tab list,
// all four in a radio group —, round from the last to the first; Home and End go to the first and the last. Choosing
// changes the item's aria-checked / aria-selected, and that moves the group's stop with it.
const GROUPS = '[role=radiogroup], [role=tablist]'
const ITEM_OF: Record<string, string> = { radiogroup: 'radio', tablist: 'tab' }
const MOVES: Record<string, Record<string, 'next' | 'prev' | 'first' | 'last'>> = {
  radiogroup: { ArrowRight: 'next', ArrowDown: 'next', ArrowLeft: 'prev', ArrowUp: 'prev', Home: 'first', End: 'last' },
  tablist: { ArrowRight: 'next', ArrowLeft: 'prev', Home: 'first', End: 'last' },
}

/** The group's own items: a group inside another (none today) keeps its items to itself. */
function itemsOf(group: Element): HTMLElement[] {
  const role = ITEM_OF[group.getAttribute('role') ?? '']
  return Array.from(group.querySelectorAll<HTMLElement>(`[role=${role}]`)).filter((i) => i.closest(GROUPS) === group)
}

const chosen = (item: Element) =>
  item.getAttribute(item.getAttribute('role') === 'tab' ? 'aria-selected' : 'aria-checked') === 'true'

function rove(group: Element) {
  const items = itemsOf(group)
  const stop = items.find(chosen) ?? items[0]
  for (const i of items) {
    const tabindex = i === stop ? '0' : '-1'
    if (i.getAttribute('tabindex') !== tabindex) i.setAttribute('tabindex', tabindex)
  }
}

function moveInGroup(e: KeyboardEvent, item: HTMLElement): boolean {
  const group = item.closest(GROUPS)
  const move = group ? MOVES[group.getAttribute('role') ?? '']?.[e.key] : undefined
  if (!group || !move) return false
  const items = itemsOf(group)
  const at = items.indexOf(item)
  if (at < 0) return false
  const to =
    move === 'first'
      ? 0
      : move === 'last'
        ? items.length - 1
        : (at + (move === 'next' ? 1 : -1) + items.length) % items.length
  const next = items[to]
  e.preventDefault() // the arrows and Home/End would scroll the page
  for (const i of items) i.setAttribute('tabindex', i === next ? '0' : '-1')
  next.focus()
  if (next.getAttribute('aria-disabled') !== 'true' && !chosen(next)) next.click()
  return true
}

function markReachable() {
  document.querySelectorAll(PAGE).forEach((el) => el.setAttribute('tabindex', '0'))
  for (const [selector, name] of TITLE_BAR_BUTTONS)
    document.querySelectorAll(selector).forEach((el) => {
      el.setAttribute('role', 'button')
      el.setAttribute('aria-label', name)
      el.querySelector('svg')?.setAttribute('aria-hidden', 'true')
    })
  document.querySelectorAll<HTMLElement>(ACTIONS).forEach((el) => {
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0')
    if (el.localName !== 'taro-button-core') return
    if (!el.hasAttribute('role')) el.setAttribute('role', 'button')
    const disabled = el.hasAttribute('disabled') && el.getAttribute('disabled') !== 'false'
    if (disabled !== (el.getAttribute('aria-disabled') === 'true')) el.setAttribute('aria-disabled', String(disabled))
  })
  document.querySelectorAll(GROUPS).forEach(rove)
}

/**
 * A text field's accessible name (WCAG 1.3.1, 3.3.2: a placeholder is a hint that goes away as one types, not a
 * label): the words of the label shown with it, so a screen reader says what the field is for. In h5 Taro's <input>
 * and <textarea> are custom elements around the native field, which alone a browser names: the name goes onto it
 * (Taro's nativeProps). Nothing in WeChat: Taro's weapp templates carry only a component's own properties (no aria-*),
 * and WeChat's screen reader reads the label text beside the field.
 *   <input v-bind="fieldName('真实姓名')" placeholder="请输入您的真实姓名" … />
 */
export function fieldName(name: string): Record<string, unknown> {
  return process.env.TARO_ENV === 'h5' ? { nativeProps: { 'aria-label': name } } : {}
}

export function makeKeyboardReachable(): void {
  if (!h5()) return
  new MutationObserver(markReachable).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    // a group's stop follows its chosen item
    attributeFilter: ['role', 'disabled', 'aria-checked', 'aria-selected'],
  })
  markReachable()
  document.addEventListener('keydown', (e) => {
    const el = e.target as HTMLElement | null
    // v-key-tap (and the video player's own keys) already answered this key
    if (e.defaultPrevented || !el?.matches?.(ACTIONS)) return
    if (el.matches('[role=radio], [role=tab]') && moveInGroup(e, el)) return
    if (!activates(e)) return
    e.preventDefault() // Space would scroll the page
    if (el.getAttribute('aria-disabled') !== 'true') el.click()
  })
}

/**
 * `v-key-tap`: a tappable view (a picker field, a sheet's option, a 关闭 text) is a stop in the tab order and Enter or
 * Space taps it, as they would a button. Taro's h5 views are custom elements no browser makes focusable, and a tap is
 * a click there, so the key clicks it: the view's own @tap runs, nothing else to wire. Role and name stay in the
 * template (they mean the same in WeChat).
 */
export const vKeyTap: Directive<HTMLElement> = {
  mounted(el) {
    if (!h5()) return
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0')
    el.addEventListener('keydown', (e) => {
      if (!activates(e) || e.target !== el) return
      e.preventDefault() // Space would scroll the page
      el.click()
    })
  },
}

const FOCUSABLE = '[tabindex]:not([tabindex="-1"]), input, textarea, button'
const shown = (el: HTMLElement) => el.getClientRects().length > 0
const openers = new WeakMap<HTMLElement, Element | null>()
const closers = new WeakMap<HTMLElement, () => void>()
const keepers = new WeakMap<HTMLElement, MutationObserver>()

/**
 * `v-modal-focus="close"` on a sheet that opens over the page (role="dialog"): focus moves into it as it opens — to
 * the chosen option, else the first option, else the first thing to press —, Tab and Shift+Tab stay in it, the arrow
 * keys go from option to option, Escape closes it (`close`), and when it goes focus is back where it was (the field
 * that opened it).
 */
export const vModalFocus: Directive<HTMLElement, () => void> = {
  mounted(el, binding) {
    if (!h5()) return
    openers.set(el, document.activeElement)
    closers.set(el, binding.value)
    const inside = () => Array.from(el.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(shown)
    let last =
      el.querySelector<HTMLElement>('[role=option][aria-selected=true]') ??
      el.querySelector<HTMLElement>('[role=option]') ??
      inside()[0] ??
      null
    last?.focus()
    // Taro's views are Stencil elements that, when they first draw, move their children into place (a frame later):
    // the focused element is moved with them and the browser drops its focus. Whenever focus has fallen to nothing
    // after such a change, it goes back to where it was in the sheet.
    el.addEventListener('focusin', (e) => (last = e.target as HTMLElement))
    const keeper = new MutationObserver(() => {
      const now = document.activeElement
      if ((!now || now === document.body) && last?.isConnected && el.contains(last)) last.focus()
    })
    keeper.observe(el.parentNode ?? el, { childList: true, subtree: true })
    keepers.set(el, keeper)
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault()
        closers.get(el)?.()
      } else if (e.key === 'Tab') {
        const all = inside()
        const at = all.indexOf(document.activeElement as HTMLElement)
        if (!all.length) return
        const next = e.shiftKey ? (at <= 0 ? all.length - 1 : at - 1) : at === all.length - 1 ? 0 : at + 1
        e.preventDefault()
        all[next].focus()
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const options = Array.from(el.querySelectorAll<HTMLElement>('[role=option]'))
        const at = options.indexOf(document.activeElement as HTMLElement)
        if (at < 0) return
        e.preventDefault()
        options[Math.min(options.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))].focus()
      }
    })
  },
  // a new closure each render: the listener calls the latest
  updated(el, binding) {
    closers.set(el, binding.value)
  },
  beforeUnmount(el) {
    if (!h5()) return
    keepers.get(el)?.disconnect()
    const opener = openers.get(el)
    const focusWasInside = el.contains(document.activeElement) || document.activeElement === document.body
    if (focusWasInside && opener instanceof HTMLElement && opener.isConnected) opener.focus()
  },
}

// ---- Taro's h5 video player ----------------------------------------------------------------------------------------
// Taro's <video> in h5 (taro-video-core) draws its own controls as plain divs: a big play button over the poster, then
// a bar with play/pause, the position and full screen that hides 2 s into playback. None can be reached or pressed
// from the keyboard. Each player is given: the play buttons and full screen as named buttons (播放视频, 播放/暂停,
// 全屏/退出全屏), the position as a slider (播放进度: ←/→ five seconds, Home/End) that says where it is, and the bar
// shown while focus is in it (app.css). Pressing the big button moves focus on to the bar's 暂停, since the big one
// goes once the video plays.

const PLAYER = '.taro-video-container'
const COVER_PLAY = '.taro-video-cover-play-button'
const PLAY_PAUSE = '.taro-video-control-button'
const PROGRESS = '.taro-video-progress-container'
const FULLSCREEN = '.taro-video-fullscreen'
const SEEK_STEP = 5

const clock = (sec: number) => {
  const s = Math.max(0, Math.floor(Number.isFinite(sec) ? sec : 0))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

function set(el: Element | null, attrs: Record<string, string>) {
  if (!el) return
  for (const [k, v] of Object.entries(attrs)) if (el.getAttribute(k) !== v) el.setAttribute(k, v)
}

function keyboardPlayer(player: HTMLElement) {
  const video = player.querySelector<HTMLVideoElement>('video')
  if (!video) return // not drawn yet: seen again when Stencil draws it
  player.setAttribute('data-keys', '')
  const duration = () => (Number.isFinite(video.duration) ? video.duration : 0)

  const describe = () => {
    set(player.querySelector(COVER_PLAY), { role: 'button', tabindex: '0', 'aria-label': '播放视频' })
    const playing = !!player.querySelector(`${PLAY_PAUSE}-pause`)
    set(player.querySelector(PLAY_PAUSE), { role: 'button', tabindex: '0', 'aria-label': playing ? '暂停' : '播放' })
    const full = player.querySelector(FULLSCREEN)
    set(full, {
      role: 'button',
      tabindex: '0',
      'aria-label': full?.classList.contains('taro-video-type-fullscreen') ? '退出全屏' : '全屏',
    })
    // the slider says the times; the bar's two time texts would say them again
    player
      .querySelectorAll('.taro-video-current-time, .taro-video-duration')
      .forEach((t) => set(t, { 'aria-hidden': 'true' }))
    set(player.querySelector(PROGRESS), {
      role: 'slider',
      tabindex: '0',
      'aria-label': '播放进度',
      'aria-valuemin': '0',
      'aria-valuemax': String(Math.round(duration())),
      'aria-valuenow': String(Math.round(Math.min(video.currentTime, duration()))),
      'aria-valuetext': `已播放 ${clock(video.currentTime)}，共 ${clock(duration())}`,
    })
  }

  // Stencil redraws the controls as the state changes (play ⇄ pause, the big button back at the end)
  new MutationObserver(describe).observe(player, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['class'],
  })
  for (const e of ['loadedmetadata', 'durationchange', 'timeupdate', 'seeked']) video.addEventListener(e, describe)

  player.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement
    if (t.getAttribute('role') === 'button' && activates(e)) {
      e.preventDefault()
      if (t.matches(COVER_PLAY))
        video.addEventListener('play', () => player.querySelector<HTMLElement>(PLAY_PAUSE)?.focus(), { once: true })
      t.click()
      return
    }
    if (!t.matches(PROGRESS)) return
    const to =
      e.key === 'ArrowLeft' || e.key === 'ArrowDown'
        ? video.currentTime - SEEK_STEP
        : e.key === 'ArrowRight' || e.key === 'ArrowUp'
          ? video.currentTime + SEEK_STEP
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? duration()
              : null
    if (to === null) return
    e.preventDefault()
    video.currentTime = Math.min(Math.max(0, to), duration())
  })
  describe()
}

/** Every Taro video player of the h5 preview, now and later, operable from the keyboard (see above). */
export function makeVideoPlayersKeyboardOperable(): void {
  if (!h5()) return
  const wire = () => document.querySelectorAll<HTMLElement>(`${PLAYER}:not([data-keys])`).forEach(keyboardPlayer)
  new MutationObserver(wire).observe(document.body, { childList: true, subtree: true })
  wire()
}
