import type { Component } from 'vue'
import {
  Avatar, Calendar, Collection, FirstAidKit, Connection, Document, Files, Grid, House, HomeFilled, Key, List, Menu as MenuIcon, Monitor,
  Notebook, OfficeBuilding, Postcard, Setting, Stamp, Tickets, User, UserFilled, View,
} from '@element-plus/icons-vue'

// Menu icons are strings in the database. Element Plus names (HomeFilled) and RuoYi's (tree-table) both work;
// only the icons listed here are bundled.
const ICONS: Record<string, Component> = {
  homefilled: HomeFilled, dashboard: House, home: House, house: House,
  setting: Setting, system: Setting,
  user: User, userfilled: UserFilled, role: Avatar, peoples: Avatar, avatar: Avatar,
  menu: MenuIcon, treetable: MenuIcon,
  officebuilding: OfficeBuilding, dept: OfficeBuilding, tree: OfficeBuilding,
  postcard: Postcard, post: Postcard,
  collection: Collection, dict: Collection,
  stamp: Stamp, form: Stamp,
  monitor: Monitor,
  connection: Connection, online: Connection,
  document: Document, log: Document, operlog: Document,
  tickets: Tickets, logininfor: Tickets, key: Key,
  firstaidkit: FirstAidKit, clinic: FirstAidKit, calendar: Calendar, schedule: Calendar,
  list: List, files: Files, view: View, notebook: Notebook,
}

export function menuIcon(name: string | null | undefined): Component {
  return (name && ICONS[name.toLowerCase().replace(/[-_\s]/g, '')]) || Grid
}
