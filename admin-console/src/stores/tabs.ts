import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { RouteLocationNormalized } from 'vue-router'

export interface Tab {
  fullPath: string
  path: string
  title: string
  affix: boolean
}

export const HOME_PATH = '/dashboard'

/** keep-alive caches by component name; each open tab (one fullPath) gets its own wrapper name */
export const cacheNameOf = (fullPath: string) => `tab:${fullPath}`

export const useTabsStore = defineStore('tabs', () => {
  // survives a page refresh (F5 keeps your open pages), not a new browser tab or a re-login
  const KEY = 'yiyun.admin.tabs'
  const tabs = ref<Tab[]>(restore(KEY))
  watch(tabs, (v) => sessionStorage.setItem(KEY, JSON.stringify(v)), { deep: true })
  const cached = computed(() => tabs.value.map((t) => cacheNameOf(t.fullPath)))

  function open(route: RouteLocationNormalized): void {
    if (route.meta.noTab) return
    // 首页 is always the first tab, also when the session started on a deep link
    if (!tabs.value.some((t) => t.affix))
      tabs.value.unshift({ fullPath: HOME_PATH, path: HOME_PATH, title: '首页', affix: true })
    const title = route.meta.tabTitle ? route.meta.tabTitle(route) : (route.meta.title ?? '未命名')
    const existing = tabs.value.find((t) => t.fullPath === route.fullPath)
    if (existing) {
      existing.title = title
      return
    }
    // a page of the same route with other query params replaces its tab instead of piling up
    const samePage = tabs.value.findIndex((t) => t.path === route.path && !t.affix)
    const tab = { fullPath: route.fullPath, path: route.path, title, affix: route.path === HOME_PATH }
    if (samePage >= 0) tabs.value.splice(samePage, 1, tab)
    else tabs.value.push(tab)
  }

  /** returns where to go if the active tab was closed */
  function close(fullPath: string): string | null {
    const i = tabs.value.findIndex((t) => t.fullPath === fullPath)
    if (i < 0 || tabs.value[i]!.affix) return null
    tabs.value.splice(i, 1)
    const next = tabs.value[i] ?? tabs.value[i - 1]
    return next?.fullPath ?? HOME_PATH
  }

  function closeOthers(fullPath: string): void {
    tabs.value = tabs.value.filter((t) => t.affix || t.fullPath === fullPath)
  }

  function closeAll(): void {
    tabs.value = tabs.value.filter((t) => t.affix)
  }

  function reset(): void {
    tabs.value = []
  }

  return { tabs, cached, open, close, closeOthers, closeAll, reset }
})

function restore(key: string): Tab[] {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]')
    return Array.isArray(v)
      ? (v as Tab[]).filter((t) => typeof t?.fullPath === 'string' && typeof t.title === 'string')
      : []
  } catch {
    return []
  }
}
