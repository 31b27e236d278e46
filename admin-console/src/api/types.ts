// Wire types of the console API, taken type-only from the BFF's zod schemas (the source of truth), so a schema
// change breaks the console's type-check instead of the screen. Nothing from the BFF ends up in the bundle.
import type * as Auth from '@bff/modules/auth/schemas'
import type * as System from '@bff/modules/system/schemas'
import type * as Monitor from '@bff/modules/monitor/schemas'
import type * as Http from '@bff/http/schemas'

/** The schemas describe server values; over JSON a Date arrives as its ISO string. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T

export type Page<T> = Http.Page<T>
export type ErrorBody = Http.ErrorBody

export type TokenPair = Auth.TokenPair
export type AdminLoginBody = Auth.AdminLoginBody
export type Me = Auth.Me
export type MenuNode = Auth.MenuNode

export type SysUser = Wire<System.SysUser>
export type UserStatus = SysUser['status']
export type Role = Wire<System.Role>
export type DataScope = Role['dataScope']
export type MenuItem = System.MenuItem
export type Dept = System.Dept
/** a department as pickers and filters show it: name and place in the tree */
export type DeptOption = System.DeptNode
export type Post = System.Post
export type PostOption = System.PostOption
export type DictType = System.DictType
export type DictItem = System.DictItem
export type DictOption = { label: string; value: string; cssClass: string | null }
export type StaffApplication = Wire<System.StaffApplication>

export type OperLog = Wire<Monitor.OperLog>
export type LoginLog = Wire<Monitor.LoginLog>
export type OnlineSession = Wire<Monitor.OnlineSession>
export type Job = Wire<Monitor.Job>
export type JobRun = Wire<Monitor.JobRunView>
export type ServerInfo = Wire<Monitor.ServerInfo>
export type CacheInfo = Wire<Monitor.CacheInfo>
export type StatsRange = Wire<Monitor.StatsRange>
export type StatsToday = Wire<Monitor.StatsToday>
