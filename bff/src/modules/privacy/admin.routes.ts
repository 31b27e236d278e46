import type { RouteTree } from '../../http/route';
import * as S from './schemas';
import { documentOverview, documentVersions, publishDraft, saveDraft } from './library';
import { PRIVACY_PERMS as P } from './perms';

export function privacyAdminRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/privacy/documents',
    summary: '协议管理：各协议的现行版本与草稿',
    auth: 'admin',
    perm: P.documentList,
    response: S.DocumentOverview,
    handler: () => documentOverview(),
  });
  t.add({
    method: 'get',
    path: '/privacy/documents/:kind/versions',
    summary: '协议的全部版本（新到旧）',
    auth: 'admin',
    perm: P.documentList,
    params: S.KindParams,
    response: S.DocumentVersionList,
    handler: ({ params }) => documentVersions(params.kind),
  });
  t.add({
    method: 'put',
    path: '/privacy/documents/:kind/draft',
    summary: '保存新版本草稿（没有草稿则新建）',
    auth: 'admin',
    perm: P.documentEdit,
    params: S.KindParams,
    body: S.DocumentDraft,
    response: S.DocumentVersion,
    audit: 'privacy',
    handler: ({ actor, params, body }) => saveDraft(actor, params.kind, body),
  });
  t.add({
    method: 'post',
    path: '/privacy/documents/:kind/publish',
    summary: '发布草稿为新版本（患者需重新同意）',
    auth: 'admin',
    perm: P.documentPublish,
    params: S.KindParams,
    response: S.DocumentVersion,
    status: 200,
    audit: 'privacy',
    handler: ({ actor, params }) => publishDraft(actor, params.kind),
  });
}
