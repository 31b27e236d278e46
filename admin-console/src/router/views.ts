import type { Component } from 'vue'

type Loader = () => Promise<Component>

// Every page under views/ is a lazy chunk; a menu's component string ('system/user/index') names one of them.
const modules = import.meta.glob<Component>(
  [
    '../views/**/*.vue',
    '!../views/**/components/**',
    '!../views/**/*Form.vue',
    '!../views/**/*Dialog.vue',
    '!../views/**/*Drawer.vue',
  ],
  { import: 'default' },
)

const byComponent = new Map<string, Loader>()
for (const [file, load] of Object.entries(modules)) {
  const key = file.replace(/^\.\.\/views\//, '').replace(/\.vue$/, '')
  byComponent.set(key, load as Loader)
}

/** 'system/user/index', 'system/user' and '/system/user/index.vue' all name the same page */
export function resolveView(component: string | null | undefined): Loader | undefined {
  if (!component) return undefined
  const key = component
    .trim()
    .replace(/^\/+/, '')
    .replace(/\.vue$/, '')
  return byComponent.get(key) ?? byComponent.get(`${key}/index`)
}

/** A URL that is a page of this console (a view exists for it), as opposed to a typo. Used to tell 403 from 404. */
export function isKnownPage(path: string): boolean {
  const key = path.replace(/^\/+|\/+$/g, '')
  if (!key || key.startsWith('error') || key.startsWith('login')) return false
  if (/^system\/dict-data\/[^/]+$/.test(key)) return true
  return byComponent.has(`${key}/index`)
}
