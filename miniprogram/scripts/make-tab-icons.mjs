// Renders the tab bar icons (WeChat tab bars need PNG, not SVG) from the SVG paths below with the
// system Chromium. Run once after changing an icon: `node miniprogram/scripts/make-tab-icons.mjs`.
import { chromium } from 'playwright-core'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const out = fileURLToPath(new URL('../src/assets/tab/', import.meta.url))
const icons = {
  home: '<path d="M8 22 L24 9 L40 22" /><path d="M13 19 V39 H35 V19" /><path d="M21 39 V29 H27 V39" />',
  booking:
    '<rect x="9" y="12" width="30" height="27" rx="4" /><path d="M9 20 H39" /><path d="M17 8 V15 M31 8 V15" /><path d="M18 29 L22 33 L30 25" />',
  consult: '<path d="M9 12 H39 V32 H22 L14 39 V32 H9 Z" /><path d="M24 17 V27 M19 22 H29" />',
  education:
    '<path d="M24 14 C19 10 13 10 8 11 V36 C13 35 19 35 24 39 C29 35 35 35 40 36 V11 C35 10 29 10 24 14 Z" /><path d="M24 14 V39" />',
  me: '<circle cx="24" cy="17" r="7" /><path d="M10 39 C10 30 16 26 24 26 C32 26 38 30 38 39" />',
}
const colors = { '': '#5b6470', '-on': '#0a7d6f' }

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
})
const page = await browser.newPage({ viewport: { width: 81, height: 81 } })
for (const [name, paths] of Object.entries(icons)) {
  for (const [suffix, color] of Object.entries(colors)) {
    const width = suffix ? 3.6 : 3
    await page.setContent(`<html><body style="margin:0;background:transparent">
      <svg xmlns="http://www.w3.org/2000/svg" width="81" height="81" viewBox="0 0 48 48" fill="none"
        stroke="${color}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round">${paths}</svg></body></html>`)
    const png = await page.locator('svg').screenshot({ omitBackground: true })
    writeFileSync(`${out}${name}${suffix}.png`, png)
  }
}
await browser.close()
console.log('tab icons written to', out)
