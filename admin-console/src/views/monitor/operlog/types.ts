import type { OperLog } from '@/api/types'

export interface OperLogFilters {
  username: string
  module: string
  status: OperLog['status'] | ''
  range: [string, string] | null
}
