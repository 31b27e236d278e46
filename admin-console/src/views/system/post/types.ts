import type { Post } from '@/api/types'

export type PostFormModel = Omit<Post, 'id'>
export const emptyPostForm = (): PostFormModel => ({ code: '', name: '', orderNum: 0, status: 'active' })
