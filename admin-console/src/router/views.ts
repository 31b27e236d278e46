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

export const FORBIDDEN_TITLE = '无权限'

/**
 * The title a page goes by (breadcrumb, browser tab): the catch-all route is 页面不存在 only for a URL that is no
 * page at all; a console page this user may not open is 无权限, as the page itself says.
 */
export function pageTitle(route: { name?: unknown; path: string; meta: { title?: string } }): string | undefined {
  if (route.name === 'NotFound' && isKnownPage(route.path)) return FORBIDDEN_TITLE
  return route.meta.title
}
