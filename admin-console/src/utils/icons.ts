import type { Component } from 'vue'
import {
  Avatar, Collection, Document, Files, Grid, House, Key, List, Menu as MenuIcon, Monitor, OfficeBuilding,
  Postcard, Setting, Stamp, Tickets, User, UserFilled, View, Connection, Notebook,
} from '@element-plus/icons-vue'

// Menu icons are strings in the database; both RuoYi's names and Element Plus' names are accepted.
const ICONS: Record<string, Component> = {
  dashboard: House, home: House, house: House,
  system: Setting, setting: Setting,
  user: User, users: User,
  role: Avatar, peoples: Avatar, avatar: Avatar,
  menu: MenuIcon, 'tree-table': MenuIcon,
  dept: OfficeBuilding, tree: OfficeBuilding, 'office-building': OfficeBuilding,
  post: Postcard, postcard: Postcard,
  dict: Collection, collection: Collection,
  apply: Stamp, 'staff-application': Stamp, stamp: Stamp, 'user-filled': UserFilled, form: Stamp,
  monitor: Monitor,
  online: Connection, connection: Connection,
  log: Document, operlog: Document, document: Document, 'log-oper': Document,
  logininfor: Key, 'log-login': Key, key: Key,
  list: List, files: Files, tickets: Tickets, view: View, notebook: Notebook,
}

export function menuIcon(name: string | null | undefined): Component {
  return (name && ICONS[name.toLowerCase()]) || Grid
}
