import type { RouteTree } from '../../http/route';
import { IdParams, PageQuery } from '../../http/schemas';
import * as S from './schemas';
import { categories, listPublished, readPublished, setLike } from './content';
import { listComments, postComment } from './comments';
import { myPrescriptions } from './prescriptions';

export function educationMpRoutes(t: RouteTree) {
  const mp = 'mp' as const;
  t.add({
    method: 'get',
    path: '/education/categories',
    summary: '科普分类（科室、标签）',
    auth: mp,
    response: S.Categories,
    handler: () => categories(),
  });
  t.add({
    method: 'get',
    path: '/education/contents',
    summary: '科普列表（分类、搜索）',
    auth: mp,
    query: S.MpContentQuery,
    response: S.MpContentPage,
    handler: ({ query }) => listPublished(query),
  });
  t.add({
    method: 'get',
    path: '/education/contents/:id',
    summary: '科普详情（计一次阅读）',
    auth: mp,
    params: IdParams,
    response: S.MpContentDetail,
    handler: ({ actor, params }) => readPublished(actor, params.id),
  });
  t.add({
    method: 'put',
    path: '/education/contents/:id/like',
    summary: '点赞',
    auth: mp,
    params: IdParams,
    response: S.LikeState,
    handler: ({ actor, params }) => setLike(actor, params.id, true),
  });
  t.add({
    method: 'delete',
    path: '/education/contents/:id/like',
    summary: '取消点赞',
    auth: mp,
    params: IdParams,
    response: S.LikeState,
    handler: ({ actor, params }) => setLike(actor, params.id, false),
  });
  t.add({
    method: 'get',
    path: '/education/contents/:id/comments',
    summary: '评论（含本人待审核的）',
    auth: mp,
    params: IdParams,
    query: PageQuery,
    response: S.MpCommentPage,
    handler: ({ actor, params, query }) => listComments(actor, params.id, query),
  });
  t.add({
    method: 'post',
    path: '/education/contents/:id/comments',
    summary: '发表评论（敏感词拦截或待审核）',
    auth: mp,
    params: IdParams,
    body: S.CommentInput,
    response: S.MpComment,
    handler: ({ actor, params, body }) => postComment(actor, params.id, body.text),
  });
  t.add({
    method: 'get',
    path: '/education/prescriptions',
    summary: '我的宣教（医生推送的内容）',
    auth: mp,
    query: PageQuery,
    response: S.MpPrescriptionPage,
    handler: ({ actor, query }) => myPrescriptions(actor, query),
  });
}
