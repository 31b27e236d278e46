import getRawBody from 'raw-body';
import type { Context } from 'koa';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import { infra } from '../../infra';
import * as S from './schemas';
import { participantImage, uploadImage } from './images';
import {
  consultDoctor,
  history,
  myConsultation,
  myConsultations,
  openConsultation,
  payConsultation,
  receipt,
  sendText,
} from './service';

/** Image bytes to a participant: private, never cached by a shared cache, never sniffed into something else. */
export function sendImageBytes(ctx: Context, image: { bytes: Buffer; type: string }) {
  ctx.type = image.type;
  ctx.set('Cache-Control', 'private, max-age=86400');
  ctx.set('X-Content-Type-Options', 'nosniff');
  return image.bytes;
}
export const readImageBody = (ctx: Context) => getRawBody(ctx.req, { limit: infra().config.CONSULT_IMAGE_MAX_BYTES });

export function consultMpRoutes(t: RouteTree) {
  const mp = 'mp' as const;
  t.add({
    method: 'get',
    path: '/consult/doctors/:id',
    summary: '医生的图文问诊（价格、是否接诊）',
    auth: mp,
    params: IdParams,
    response: S.DoctorOffer,
    handler: ({ params }) => consultDoctor(params.id),
  });
  t.add({
    method: 'post',
    path: '/consult/consultations',
    summary: '发起问诊（向医生，或从预约；已有进行中的问诊则返回它）',
    auth: mp,
    body: S.OpenBody,
    response: S.OpenResult,
    status: 200,
    handler: ({ actor, body }) => openConsultation(actor, body),
  });
  t.add({
    method: 'get',
    path: '/consult/consultations',
    summary: '我的问诊（含未读数）',
    auth: mp,
    query: S.MyConsultationQuery,
    response: S.ConsultationPage,
    handler: ({ actor, query }) => myConsultations(actor, query),
  });
  t.add({
    method: 'get',
    path: '/consult/consultations/:id',
    summary: '问诊详情',
    auth: mp,
    params: IdParams,
    response: S.Consultation,
    handler: ({ actor, params }) => myConsultation(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/consult/consultations/:id/pay',
    summary: '支付图文问诊',
    auth: mp,
    params: IdParams,
    response: S.PayResult,
    status: 200,
    handler: ({ actor, params }) => payConsultation(actor, params.id),
  });
  t.add({
    method: 'get',
    path: '/consult/consultations/:id/messages',
    summary: '聊天记录（按序号分页：afterSeq 补齐，beforeSeq 向上翻）',
    auth: mp,
    params: IdParams,
    query: S.HistoryQuery,
    response: S.History,
    handler: ({ actor, params, query }) => history(actor, params.id, query),
  });
  t.add({
    method: 'post',
    path: '/consult/consultations/:id/messages',
    summary: '发送文字消息（连接断开时的备用通道；同一 clientMsgId 只存一条）',
    auth: mp,
    params: IdParams,
    body: S.SendBody,
    response: S.SendResult,
    status: 200,
    handler: ({ actor, params, body }) => sendText(actor, params.id, body),
  });
  t.add({
    method: 'post',
    path: '/consult/consultations/:id/images',
    summary: '发送图片（请求体为图片本身：JPG/PNG/GIF/WebP）',
    auth: mp,
    params: IdParams,
    query: S.ImageQuery,
    response: S.SendResult,
    status: 200,
    handler: async ({ actor, params, query, ctx }) =>
      uploadImage(actor, params.id, query.clientMsgId, await readImageBody(ctx)),
  });
  t.add({
    method: 'get',
    path: '/consult/consultations/:id/messages/:messageId/image',
    summary: '聊天图片（仅问诊双方）',
    auth: mp,
    params: S.MessageParams,
    handler: async ({ actor, params, ctx }) =>
      sendImageBytes(ctx, await participantImage(actor, params.id, params.messageId)),
  });
  t.add({
    method: 'post',
    path: '/consult/consultations/:id/receipts',
    summary: '送达/已读回执',
    auth: mp,
    params: IdParams,
    body: S.ReceiptBody,
    response: S.Receipt,
    status: 200,
    handler: ({ actor, params, body }) => receipt(actor, params.id, body.kind, body.seq),
  });
}
