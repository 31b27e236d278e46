import type { RouteTree } from '../../http/route';
import * as S from './schemas';
import { answerConsents, deleteAccount, documentOf, myConsents, outdatedConsents } from './service';

export function privacyMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/privacy/documents/:kind',
    summary: '隐私政策、用户协议与单独同意的文本（含版本）',
    auth: 'public',
    params: S.KindParams,
    response: S.PolicyDocument,
    handler: ({ params }) => documentOf(params.kind),
  });
  t.add({
    method: 'get',
    path: '/privacy/consents',
    summary: '我的同意记录（每项当前版本是否已同意）',
    auth: 'mp',
    response: S.ConsentList,
    handler: ({ actor }) => myConsents(actor),
  });
  t.add({
    method: 'get',
    path: '/privacy/consents/outdated',
    summary: '我同意过、但已发布新版本的协议（打开小程序时请我重新确认）',
    auth: 'mp',
    response: S.OutdatedConsentList,
    handler: ({ actor }) => outdatedConsents(actor),
  });
  t.add({
    method: 'post',
    path: '/privacy/consents',
    summary: '同意或撤回（记录版本与时间）',
    auth: 'mp',
    body: S.ConsentAnswer,
    response: S.ConsentList,
    status: 200,
    handler: ({ actor, body, ctx }) => answerConsents(actor, body, ctx.ip),
  });
  t.add({
    method: 'post',
    path: '/account/delete',
    summary: '注销账号（匿名化，依法保存的病历与预约记录保留）',
    auth: 'mp',
    body: S.DeleteAccountBody,
    response: S.DeleteAccountResult,
    status: 200,
    handler: ({ actor }) => deleteAccount(actor),
  });
}
