// The h5 preview scrolls each page inside Taro's page element (.taro_page, overflow-y: scroll). WCAG 2.1.1
// (keyboard): a scrolling region must be reachable from the keyboard, so every page element gets tabindex="0" as
// Taro creates it. WeChat itself has no such elements: nothing to do there.
export function makePagesKeyboardScrollable(): void {
  if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return
  const mark = () =>
    document.querySelectorAll('.taro_page:not([tabindex])').forEach((el) => el.setAttribute('tabindex', '0'))
  new MutationObserver(mark).observe(document.body, { childList: true, subtree: true })
  mark()
}
