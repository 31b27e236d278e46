import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { tokens } from '@/api/tokens'
import { useAuthStore } from '@/stores/auth'
import { useTabsStore, HOME_PATH } from '@/stores/tabs'
import { buildFromMenus, detailRoutes, installRoutes, LAYOUT, uninstallRoutes, type SidebarItem } from './dynamic'
import { shallowRef } from 'vue'
import { FORBIDDEN_TITLE, pageTitle } from './views'

const staticRoutes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'Login',
    component: () => import('@/views/login/index.vue'),
    meta: { public: true, title: '登录', noTab: true },
  },
  {
    path: '/change-password',
    name: 'ChangePassword',
    component: () => import('@/views/login/change-password.vue'),
    meta: { title: '设置新密码', noTab: true },
  },
  {
    path: '/',
    name: LAYOUT,
    component: () => import('@/layout/index.vue'),
    redirect: HOME_PATH,
    children: [
      {
        path: '/403',
        name: 'Forbidden',
        component: () => import('@/views/error/403.vue'),
        meta: { title: FORBIDDEN_TITLE, noTab: true },
      },
      // the catch-all decides 403 (a console page this user may not open) vs 404 (no such page) itself
      {
        path: '/:pathMatch(.*)*',
        name: 'NotFound',
        component: () => import('@/views/error/404.vue'),
        meta: { title: '页面不存在', noTab: true },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: staticRoutes,
  scrollBehavior: () => ({ top: 0 }),
})

/** the sidebar tree for the current user; empty until the menus are loaded */
export const sidebar = shallowRef<SidebarItem[]>([])
let routesLoaded = false

export function forgetRoutes(): void {
  uninstallRoutes()
  sidebar.value = []
  routesLoaded = false
  useTabsStore().reset()
}

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  const access = tokens.access
  if (to.meta.public) {
    return to.name === 'Login' && access && routesLoaded ? HOME_PATH : true
  }
  if (!access) {
    return { name: 'Login', query: to.fullPath === HOME_PATH || to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  // First navigation after login or a page refresh: add this user's routes, then resolve the same URL again,
  // so /system/user after F5 lands on the user page, not the catch-all.
  if (!routesLoaded) {
    try {
      await auth.loadProfile()
    } catch {
      // 401s already prompt and send the user to login; anything else (BFF down) also can't show the console
      auth.reset()
      return { name: 'Login', query: { redirect: to.fullPath } }
    }
    // Nothing but the change-password page until the initial password is replaced (the BFF enforces it too).
    if (auth.passwordChangeRequired) {
      if (to.name === 'ChangePassword') return true
      const keep = to.fullPath !== HOME_PATH && to.fullPath !== '/' && to.name !== 'ChangePassword'
      return { name: 'ChangePassword', query: keep ? { redirect: to.fullPath } : {} }
    }
    const { routes, sidebar: tree } = buildFromMenus(auth.menus)
    const extra = detailRoutes
      .filter((d) => auth.hasPerm(d.perms) && !routes.some((r) => r.path === d.route.path))
      .map((d) => ({ ...d.route, meta: { ...d.route.meta, perms: d.perms } }))
    installRoutes(router, [...routes, ...extra])
    sidebar.value = tree
    routesLoaded = true
    return { path: to.path, query: to.query, hash: to.hash, replace: true }
  }
  if (to.name === 'ChangePassword') return auth.passwordChangeRequired ? true : HOME_PATH
  if (to.meta.perms && !auth.hasPerm(to.meta.perms)) return { name: 'Forbidden' }
  return true
})

router.afterEach((to) => {
  const title = pageTitle(to)
  document.title = title ? `${title} · 医云管理控制台` : '医云管理控制台'
  if (!to.meta.public && to.matched.some((r) => r.name === LAYOUT) && to.name !== 'NotFound') useTabsStore().open(to)
})
