import { Op, type Transaction } from 'sequelize';
import { infra, tx } from '../../infra';
import { randomToken } from '../../infra/crypto';
import { AppError, conflict, forbidden } from '../../http/errors';
import type { MpActor } from '../../http/actor';
import { MpUser, RefreshToken } from '../auth/models';
import { revokeFamily } from '../auth/tokens';
import { Patient } from '../patient/models';
import { lockOwner, patientInUse } from '../patient/service';
import { NotificationSubscription, PatientNotice } from '../../kernel/notifications/models';
import { deletePersonalImage } from '../../kernel/files';
import { CONSENT_KINDS, type ConsentKind } from './documents';
import { changesSince, publishedDocuments } from './library';
import { MpConsent } from './models';
import type { ConsentAnswer } from './schemas';

/** The published version of each document (协议管理 in the console publishes them). */
export const documents = (t?: Transaction) => publishedDocuments(t);
export const documentOf = async (kind: ConsentKind) => (await documents())[kind];

/** The latest answer per kind; a grant counts only for the document's current version. */
async function latestAnswers(userId: number, t?: Transaction) {
  const rows = await MpConsent.findAll({ where: { userId }, order: [['id', 'ASC']], transaction: t });
  const latest = new Map<ConsentKind, MpConsent>();
  for (const r of rows) latest.set(r.kind, r);
  return latest;
}

export async function myConsents(actor: MpActor) {
  const latest = await latestAnswers(actor.userId);
  const docs = await documents();
  return {
    items: CONSENT_KINDS.map((kind) => {
      const d = docs[kind];
      const a = latest.get(kind);
      return {
        kind,
        title: d.title,
        purpose: d.purpose,
        version: d.version,
        granted: !!a && a.granted && a.version === d.version,
        answeredAt: a?.createdAt ?? null,
        answeredVersion: a?.version ?? null,
      };
    }),
  };
}

/**
 * The documents this patient agreed to in a version older than the one published now: their grant no longer counts,
 * and the app asks them again when it opens. Answering (a grant of the new version, or a refusal, which is recorded
 * for the new version) takes a document off the list, so the same version is never asked about twice.
 */
export async function outdatedConsents(actor: MpActor) {
  const [latest, docs] = await Promise.all([latestAnswers(actor.userId), documents()]);
  const items = [];
  for (const kind of CONSENT_KINDS) {
    const a = latest.get(kind);
    const d = docs[kind];
    if (!a || !a.granted || a.version === d.version) continue;
    items.push({
      kind,
      title: d.title,
      purpose: d.purpose,
      version: d.version,
      agreedVersion: a.version,
      agreedAt: a.createdAt,
      ...(await changesSince(kind, a.version)),
    });
  }
  return { items };
}

/**
 * Records grants and withdrawals. A grant must name the version the patient was shown: agreeing to a text that has
 * since changed is refused (CONSENT_OUTDATED), so the record always says which words were agreed to.
 */
export async function answerConsents(actor: MpActor, input: ConsentAnswer, ip: string | null) {
  const docs = await documents();
  const stale = input.answers.filter((a) => a.granted && a.version !== docs[a.kind].version);
  if (stale.length)
    throw conflict('CONSENT_OUTDATED', `《${docs[stale[0].kind].title}》已更新，请阅读新版本后再同意`, {
      kinds: stale.map((a) => a.kind),
    });
  await MpConsent.bulkCreate(
    input.answers.map((a) => ({
      userId: actor.userId,
      kind: a.kind,
      version: a.granted ? a.version : docs[a.kind].version,
      granted: a.granted,
      ip: ip?.slice(0, 64) ?? null,
    })),
  );
  return myConsents(actor);
}

/** Refuses (403 CONSENT_REQUIRED, naming what is missing) unless the user agreed to the current version of each. */
export async function requireConsent(userId: number, kinds: readonly ConsentKind[], t?: Transaction) {
  const latest = await latestAnswers(userId, t);
  const docs = await documents(t);
  const missing = kinds.filter((k) => {
    const a = latest.get(k);
    return !(a && a.granted && a.version === docs[k].version);
  });
  if (missing.length)
    throw forbidden('CONSENT_REQUIRED', `请先阅读并同意${missing.map((k) => `《${docs[k].title}》`).join('')}`, {
      kinds: missing,
    });
}

/** What 注销账号 erases and what it keeps, as the patient is told before confirming. */
export const DELETION_TERMS = {
  erased: ['微信登录标识', '手机号', '昵称和头像', '我的消息', '订阅消息授权', '就诊人的手机号', '所有登录状态'],
  kept: [
    '病历、处方和健康档案（医疗机构病历管理规定）',
    '预约、支付和退款记录（财务与诊疗记录）',
    '同意记录（证明处理的合法性）',
  ],
};

/**
 * 注销账号. Refused while something is under way that the patient would lose (a live booking or waitlist place: cancel
 * first). Otherwise, in one transaction under the account's lock: the account is anonymised (openid replaced, so the
 * same WeChat user logging in again starts a new, empty account), its family members are hidden and their phone
 * numbers erased, its messages and subscribe quotas deleted; then every login of the account ends at once. Medical
 * records, appointments and orders stay, linked to the anonymised account, as medical-record rules require.
 */
export async function deleteAccount(actor: MpActor) {
  const { fieldCrypto } = infra();
  let avatarUrl: string | null = null;
  await tx(
    async (t) => {
      await lockOwner(actor.userId, t);
      const user = await MpUser.findByPk(actor.userId, { transaction: t });
      if (!user || user.deletedAt) throw new AppError(401, 'UNAUTHENTICATED', '账号已注销，请重新登录');
      const members = await Patient.findAll({ where: { userId: actor.userId }, paranoid: false, transaction: t });
      for (const p of members)
        if (!p.deletedAt && (await patientInUse(p.id, t)))
          throw conflict('ACCOUNT_HAS_BOOKINGS', `就诊人${p.name}有未完成的预约或候补，请先取消后再注销`);
      avatarUrl = user.avatarUrl;
      await user.update(
        {
          openid: `deleted:${user.id}:${randomToken().slice(0, 16)}`,
          unionid: null,
          sessionKeyEnc: null,
          nickname: null,
          avatarUrl: null,
          phoneEnc: null,
          phoneHash: null,
          deletedAt: new Date(),
        },
        { transaction: t },
      );
      for (const p of members) {
        await p.update(
          { isDefault: false, phoneEnc: fieldCrypto.encrypt(''), phoneHash: fieldCrypto.blindIndex('') },
          { transaction: t },
        );
        if (!p.deletedAt) await p.destroy({ transaction: t });
      }
      await PatientNotice.destroy({ where: { userId: actor.userId }, transaction: t });
      await NotificationSubscription.destroy({ where: { userId: actor.userId }, transaction: t });
    },
    { readCommitted: true },
  );
  const families = await RefreshToken.findAll({
    where: { subjectType: 'mp', subjectId: actor.userId, revokedAt: { [Op.is]: null } },
    attributes: ['familyId'],
  });
  for (const f of new Set(families.map((r) => r.familyId))) await revokeFamily(f, 'account_deleted');
  // The avatar's bytes go once the account no longer names them (a file is not part of the transaction). Medical
  // files (reports, chat images of a consultation) are records and stay.
  await deletePersonalImage(avatarUrl, actor.userId);
  infra().log.info({ userId: actor.userId }, 'mini-program account deleted (anonymised)');
  return { deleted: true as const, ...DELETION_TERMS };
}
