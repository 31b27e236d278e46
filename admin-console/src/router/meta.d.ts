import 'vue-router'
import type { RouteLocationNormalized } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    icon?: string | null
    /** titles of the directories above this page, for the breadcrumb */
    trail?: string[]
    public?: boolean
    hidden?: boolean
    /** the sidebar item to light up for a page that isn't in the sidebar itself */
    activeMenu?: string
    noTab?: boolean
    /** permission strings any of which opens the page (routes not built from the user's menus) */
    perms?: string[]
    /** tab title from the route, e.g. the dict type of an items page */
    tabTitle?: (route: RouteLocationNormalized) => string
  }
}
