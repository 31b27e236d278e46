import type { Context } from 'koa';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import { CONSULT_PERMS as P } from './perms';
import { participantImage, uploadImage } from './images';
import { readImageBody, sendImageBytes } from './mp.routes';
import {
  QUICK_REPLIES,
  closeByDoctor,
  doctorSettings,
  myConsultation,
  receipt,
  sendText,
  setDoctorSettings,
  unreadTotal,
  workbench,
} from './service';
import {
  hideMessage,
  listConsultations,
  searchMessages,
  staffImage,
  staffSystemMessage,
  viewConversation,
  workbenchHistory,
} from './console';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });

export function consultAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  // The physician's workbench: their own consultations.
  t.add({
    method: 'get',
    path: '/consult/workbench',
    summary: '我的问诊（未读优先）',
    auth: a,
    perm: P.workbench,
    query: S.WorkbenchQuery,
    response: S.ConsultationPage,
    handler: ({ actor, query }) => workbench(actor, query),
  });
  t.add({
    method: 'get',
    path: '/consult/workbench/unread',
    summary: '我的问诊未读数（顶栏角标）',
    auth: a,
    perm: P.workbench,
    response: S.UnreadTotal,
    handler: ({ actor }) => unreadTotal(actor.userId),
  });
  t.add({
    method: 'get',
    path: '/consult/workbench/quick-replies',
    summary: '快捷回复',
    auth: a,
    perm: P.workbench,
    response: S.QuickReplies,
    handler: () => QUICK_REPLIES,
  });
  t.add({
    method: 'get',
    path: '/consult/workbench/settings',
    summary: '我的图文问诊设置',
    auth: a,
    perm: P.workbench,
    response: S.DoctorSettingsBody,
    handler: ({ actor }) => doctorSettings(actor),
  });
  t.add({
    method: 'put',
    path: '/consult/workbench/settings',
    summary: '设置图文问诊价格与接诊状态',
    auth: a,
    perm: P.reply,
    body: S.DoctorSettingsBody,
    response: S.DoctorSettingsBody,
    audit: 'consult',
    handler: ({ actor, body }) => setDoctorSettings(actor, body),
  });
  t.add({
    method: 'get',
    path: '/consult/workbench/:id',
    summary: '问诊详情（接诊医生）',
    auth: a,
    perm: P.workbench,
    params: IdParams,
    response: S.Consultation,
    handler: ({ actor, params }) => myConsultation(actor, params.id),
  });
  t.add({
    method: 'get',
    path: '/consult/workbench/:id/messages',
    summary: '聊天记录（接诊医生，按序号分页）',
    auth: a,
    perm: P.workbench,
    params: IdParams,
    query: S.HistoryQuery,
    response: S.History,
    handler: ({ actor, params, query, ctx }) => workbenchHistory(actor, params.id, query, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/consult/workbench/:id/messages',
    summary: '回复文字消息',
    auth: a,
    perm: P.reply,
    params: IdParams,
    body: S.SendBody,
    response: S.SendResult,
    status: 200,
    // Chat content is medical data: it stays out of the operation log (the message row itself is the record).
    audit: false,
    handler: ({ actor, params, body }) => sendText(actor, params.id, body),
  });
  t.add({
    method: 'post',
    path: '/consult/workbench/:id/images',
    summary: '回复图片（请求体为图片本身）',
    auth: a,
    perm: P.reply,
    params: IdParams,
    query: S.ImageQuery,
    response: S.SendResult,
    status: 200,
    audit: false,
    handler: async ({ actor, params, query, ctx }) =>
      uploadImage(actor, params.id, query.clientMsgId, await readImageBody(ctx)),
  });
  t.add({
    method: 'get',
    path: '/consult/workbench/:id/messages/:messageId/image',
    summary: '聊天图片（接诊医生）',
    auth: a,
    perm: P.workbench,
    params: S.MessageParams,
    handler: async ({ actor, params, ctx }) =>
      sendImageBytes(ctx, await participantImage(actor, params.id, params.messageId)),
  });
  t.add({
    method: 'post',
    path: '/consult/workbench/:id/receipts',
    summary: '已读回执',
    auth: a,
    perm: P.workbench,
    params: IdParams,
    body: S.ReceiptBody,
    response: S.Receipt,
    status: 200,
    audit: false,
    handler: ({ actor, params, body }) => receipt(actor, params.id, body.kind, body.seq),
  });
  t.add({
    method: 'post',
    path: '/consult/workbench/:id/close',
    summary: '结束问诊',
    auth: a,
    perm: P.reply,
    params: IdParams,
    response: S.Consultation,
    status: 200,
    audit: 'consult',
    handler: ({ actor, params }) => closeByDoctor(actor, params.id),
  });

  // Consultation data management (data scope applied; every read audited).
  t.add({
    method: 'get',
    path: '/consult/consultations',
    summary: '问诊列表（数据管理）',
    auth: a,
    perm: P.dataList,
    query: S.AdminConsultationQuery,
    response: S.ConsultationPage,
    handler: ({ actor, query, ctx }) => listConsultations(actor, query, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/consult/messages',
    summary: '搜索问诊消息（发送人、接收人、内容、时间）',
    auth: a,
    perm: P.dataList,
    query: S.AdminMessageQuery,
    response: S.AdminMessagePage,
    handler: ({ actor, query, ctx }) => searchMessages(actor, query, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/consult/consultations/:id',
    summary: '查看问诊对话（数据管理）',
    auth: a,
    perm: P.dataList,
    params: IdParams,
    response: S.AdminConversation,
    handler: ({ actor, params, ctx }) => viewConversation(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/consult/consultations/:id/messages/:messageId/image',
    summary: '聊天图片（数据管理）',
    auth: a,
    perm: P.dataList,
    params: S.MessageParams,
    handler: async ({ actor, params, ctx }) =>
      sendImageBytes(ctx, await staffImage(actor, params.id, params.messageId, readOrigin(ctx))),
  });
  t.add({
    method: 'put',
    path: '/consult/consultations/:id/messages/:messageId/hide',
    summary: '删除消息（隐藏，保留记录）',
    auth: a,
    perm: P.dataRemove,
    params: S.MessageParams,
    body: S.HideBody,
    response: S.AdminMessage,
    audit: 'consult',
    handler: ({ actor, params, body }) => hideMessage(actor, params.id, params.messageId, body.reason),
  });
  t.add({
    method: 'post',
    path: '/consult/consultations/:id/system-messages',
    summary: '添加系统消息',
    auth: a,
    perm: P.dataAdd,
    params: IdParams,
    body: S.SystemMessageBody,
    response: S.AdminMessage,
    audit: 'consult',
    handler: ({ actor, params, body }) => staffSystemMessage(actor, params.id, body.text),
  });
}
