import type { PostBody } from '@/api/system'

/** The form holds what PostCreate accepts (the BFF's schema); PostUpdate takes the same fields. */
export type PostFormModel = Required<PostBody>
export const emptyPostForm = (): PostFormModel => ({ code: '', name: '', orderNum: 0, status: 'active' })
export const postBody = (f: PostFormModel): PostBody => ({
  code: f.code,
  name: f.name,
  orderNum: f.orderNum,
  status: f.status,
})
