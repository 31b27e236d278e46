// 科普: published articles and videos, likes, comments, 我的宣教. Types come type-only from the BFF's zod schemas.
import type * as S from '@bff/modules/education/schemas'
import type { z } from 'zod'
import { apiBase } from '@/platform'
import { http } from './client'
import type { Json, Page } from './types'

export type EduCard = Json<z.infer<typeof S.MpContentCard>>
export type EduDetail = Json<z.infer<typeof S.MpContentDetail>>
export type EduComment = Json<z.infer<typeof S.MpComment>>
export type Categories = Json<z.infer<typeof S.Categories>>
export type MyPrescription = Json<z.infer<typeof S.MpPrescription>>

const q = (params: Record<string, string | number | undefined>) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')

export const categories = () => http.get<Categories>('/api/mp/education/categories')
export const listContents = (p: { deptId?: number; tag?: string; keyword?: string; page?: number }) =>
  http.get<Page<EduCard>>(`/api/mp/education/contents?${q({ ...p, pageSize: 20 })}`)
export const contentDetail = (id: number) => http.get<EduDetail>(`/api/mp/education/contents/${id}`)
export const setLike = (id: number, liked: boolean) =>
  liked
    ? http.put<{ liked: boolean; likeCount: number }>(`/api/mp/education/contents/${id}/like`)
    : http.del<{ liked: boolean; likeCount: number }>(`/api/mp/education/contents/${id}/like`)
export const listComments = (id: number, page = 1) =>
  http.get<Page<EduComment>>(`/api/mp/education/contents/${id}/comments?page=${page}&pageSize=50`)
export const postComment = (id: number, text: string) =>
  http.post<EduComment>(`/api/mp/education/contents/${id}/comments`, { text })
export const myPrescriptions = () => http.get<Page<MyPrescription>>('/api/mp/education/prescriptions?pageSize=50')

/** Our uploads are served by the BFF: the weapp needs its absolute origin, the h5 build is same-origin. */
export const mediaUrl = (url: string | null) => (url && url.startsWith('/files/') ? apiBase + url : url)
/** The sanitized body, with our image URLs made absolute for rich-text in the weapp. */
export const bodyHtml = (html: string) =>
  html
    .replace(/(src|poster)="\/files\//g, `$1="${apiBase}/files/`)
    .replace(/<img /g, '<img style="max-width:100%;height:auto" ')

export const duration = (sec: number | null) =>
  sec ? `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}` : ''
