import type { Context } from 'koa';
import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { BatchDeleted, BatchIds, IdParams } from '../../http/schemas';
import * as S from './schemas';
import {
  contentRevisions,
  createContent,
  deleteContents,
  getContent,
  listContents,
  publishedOptions,
  setContentStatus,
  updateContent,
  writableDepts,
} from './content';
import { approveComment, deleteComment, deleteComments, moderationList, replyComment } from './comments';
import { addWord, listWords, removeWord, removeWords, updateWord } from './words';
import { prescribe, prescriptionsOf } from './prescriptions';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });

export const EDU_PERMS = {
  contentList: 'edu:content:list',
  contentAdd: 'edu:content:add',
  contentPublish: 'edu:content:publish',
  commentList: 'edu:comment:list',
  commentRemove: 'edu:comment:remove',
  commentReply: 'edu:comment:reply',
  commentApprove: 'edu:comment:approve',
  wordList: 'edu:word:list',
  wordAdd: 'edu:word:add',
  wordEdit: 'edu:word:edit',
  wordRemove: 'edu:word:remove',
  prescriptionList: 'edu:prescription:list',
  prescriptionAdd: 'edu:prescription:add',
} as const;

export function educationAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  const P = EDU_PERMS;
  t.add({
    method: 'get',
    path: '/education/contents',
    summary: '健康宣教列表（文章、视频）',
    auth: a,
    perm: P.contentList,
    query: S.AdminContentQuery,
    response: S.AdminContentPage,
    handler: ({ actor, query }) => listContents(actor, query),
  });
  t.add({
    method: 'get',
    path: '/education/published-options',
    summary: '已发布内容（供宣教处方、学习任务选择）',
    auth: a,
    perm: P.contentList,
    query: S.OptionQuery,
    response: z.array(S.PublishedOption),
    handler: ({ query }) => publishedOptions(query.keyword),
  });
  t.add({
    method: 'get',
    path: '/education/depts',
    summary: '可编写宣教内容的科室（数据范围内及本科室）',
    auth: a,
    perm: P.contentList,
    response: z.array(S.DeptOption),
    handler: ({ actor }) => writableDepts(actor),
  });
  t.add({
    method: 'get',
    path: '/education/contents/:id',
    summary: '宣教内容详情（含正文）',
    auth: a,
    perm: P.contentList,
    params: IdParams,
    response: S.AdminContentDetail,
    handler: ({ actor, params }) => getContent(actor, params.id),
  });
  t.add({
    method: 'get',
    path: '/education/contents/:id/revisions',
    summary: '宣教内容的修改历史',
    auth: a,
    perm: P.contentList,
    params: IdParams,
    response: z.array(S.Revision),
    handler: ({ actor, params }) => contentRevisions(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/education/contents',
    summary: '新建宣教草稿',
    auth: a,
    perm: P.contentAdd,
    body: S.ContentInput,
    response: S.AdminContentDetail,
    audit: 'education',
    handler: ({ actor, body }) => createContent(actor, body),
  });
  t.add({
    method: 'put',
    path: '/education/contents/:id',
    summary: '修改宣教内容（本人草稿，或有发布权限）',
    auth: a,
    perm: P.contentAdd,
    params: IdParams,
    body: S.ContentUpdate,
    response: S.AdminContentDetail,
    audit: 'education',
    handler: ({ actor, params, body }) => updateContent(actor, params.id, body),
  });
  t.add({
    method: 'post',
    path: '/education/contents/batch-delete',
    summary: '批量删除草稿和已下线的宣教内容（全部成功或全部不删）',
    auth: a,
    perm: P.contentAdd,
    body: BatchIds,
    response: BatchDeleted,
    status: 200,
    audit: 'education',
    handler: ({ actor, body }) => deleteContents(actor, body.ids),
  });
  for (const [path, to, summary] of [
    ['publish', 'published', '审核并发布'],
    ['offline', 'offline', '下线'],
    ['review', 'review', '复审（确认内容仍然准确）'],
  ] as const)
    t.add({
      method: 'post',
      path: `/education/contents/:id/${path}`,
      summary,
      auth: a,
      perm: P.contentPublish,
      params: IdParams,
      response: S.AdminContentDetail,
      status: 200,
      audit: 'education',
      handler: ({ actor, params }) => setContentStatus(actor, params.id, to),
    });

  t.add({
    method: 'get',
    path: '/education/comments',
    summary: '评论管理：按内容、评论人、时间搜索',
    auth: a,
    perm: P.commentList,
    query: S.AdminCommentQuery,
    response: S.AdminCommentPage,
    handler: ({ actor, query }) => moderationList(actor, query),
  });
  t.add({
    method: 'delete',
    path: '/education/comments/:id',
    summary: '删除评论（软删除，记录操作日志）',
    auth: a,
    perm: P.commentRemove,
    params: IdParams,
    audit: 'education',
    handler: async ({ actor, params }) => void (await deleteComment(actor, params.id)),
  });
  t.add({
    method: 'post',
    path: '/education/comments/batch-delete',
    summary: '批量删除评论（全部成功或全部不删，记录操作日志）',
    auth: a,
    perm: P.commentRemove,
    body: BatchIds,
    response: BatchDeleted,
    status: 200,
    audit: 'education',
    handler: ({ actor, body }) => deleteComments(actor, body.ids),
  });
  t.add({
    method: 'post',
    path: '/education/comments/:id/approve',
    summary: '审核通过待审评论',
    auth: a,
    perm: P.commentApprove,
    params: IdParams,
    status: 204,
    audit: 'education',
    handler: async ({ actor, params }) => void (await approveComment(actor, params.id)),
  });
  t.add({
    method: 'put',
    path: '/education/comments/:id/reply',
    summary: '以医院名义回复评论',
    auth: a,
    perm: P.commentReply,
    params: IdParams,
    body: S.ReplyInput,
    audit: 'education',
    handler: async ({ actor, params, body }) => void (await replyComment(actor, params.id, body.reply)),
  });

  t.add({
    method: 'get',
    path: '/education/sensitive-words',
    summary: '关键词（敏感词）列表',
    auth: a,
    perm: P.wordList,
    query: S.WordQuery,
    response: S.WordPage,
    handler: ({ query }) => listWords(query),
  });
  t.add({
    method: 'post',
    path: '/education/sensitive-words',
    summary: '新增关键词',
    auth: a,
    perm: P.wordAdd,
    body: S.WordInput,
    response: S.Word,
    audit: 'education',
    handler: ({ body }) => addWord(body),
  });
  t.add({
    method: 'put',
    path: '/education/sensitive-words/:id',
    summary: '修改关键词',
    auth: a,
    perm: P.wordEdit,
    params: IdParams,
    body: S.WordInput,
    response: S.Word,
    audit: 'education',
    handler: ({ params, body }) => updateWord(params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/education/sensitive-words/:id',
    summary: '删除关键词',
    auth: a,
    perm: P.wordRemove,
    params: IdParams,
    audit: 'education',
    handler: async ({ params }) => void (await removeWord(params.id)),
  });
  t.add({
    method: 'post',
    path: '/education/sensitive-words/batch-delete',
    summary: '批量删除关键词',
    auth: a,
    perm: P.wordRemove,
    body: BatchIds,
    response: BatchDeleted,
    status: 200,
    audit: 'education',
    handler: ({ body }) => removeWords(body.ids),
  });

  t.add({
    method: 'get',
    path: '/education/prescriptions',
    summary: '某次预约的宣教处方及阅读情况',
    auth: a,
    perm: P.prescriptionList,
    query: S.PrescriptionQuery,
    response: z.array(S.Prescription),
    handler: ({ actor, query, ctx }) => prescriptionsOf(actor, query.appointmentId, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/education/prescriptions',
    summary: '开具宣教处方（向患者推送文章或视频）',
    auth: a,
    perm: P.prescriptionAdd,
    body: S.PrescriptionInput,
    response: z.array(S.Prescription),
    audit: 'education',
    handler: ({ actor, body, ctx }) => prescribe(actor, body, readOrigin(ctx)),
  });
}
