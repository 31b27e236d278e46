import { Op, literal, type Transaction } from 'sequelize';
import type { Literal } from 'sequelize/types/utils';
import { insertSql } from '../../infra/sql';
import { infra } from '../../infra';
import { WechatError } from '../../infra/wechat';
import { notFound } from '../../http/errors';
import type { MpActor } from '../../http/actor';
import { publish, personalChannel } from '../realtime';
import { NotificationSubscription, PatientNotice } from './models';

/** What a domain tells a patient: always an in-app notice, and a WeChat subscribe message when a template is given. */
export interface NoticeMessage {
  title: string;
  content: string;
  /** The subject the notice opens (an appointment today), shown as a link in 我的消息. */
  link?: { type: string; id: string | number };
  /** `id` from templateId(); `data` the template's keywords (thing1, time2 …); `page` the mini-program page to open. */
  template?: { id: string | undefined; data: Record<string, string>; page?: string };
}

export type SubscribeOutcome = 'sent' | 'no_template' | 'no_quota' | 'refused' | 'no_openid' | 'failed';

/** How the kernel finds a patient's openid; set by the composition root (the kernel does not know the user model). */
let openidOf: (userId: number) => Promise<string | undefined> = async () => undefined;
export function setOpenidLookup(fn: (userId: number) => Promise<string | undefined>) {
  openidOf = fn;
}

/**
 * A template id by name: WECHAT_TEMPLATE_<NAME>, or in simulated WeChat a fixed fake id. Undefined when the template is
 * not configured: such notices stay in-app only.
 */
export function templateId(name: string): string | undefined {
  const { wechat } = infra().config;
  return wechat.templates[name] ?? (wechat.simulated ? `sim_tmpl_${name.toLowerCase()}` : undefined);
}

export const noticeView = (
  n: Pick<PatientNotice, 'id' | 'title' | 'content' | 'readAt' | 'createdAt' | 'linkType' | 'linkId'>,
) => ({
  id: n.id,
  title: n.title,
  content: n.content,
  read: !!n.readAt,
  createdAt: n.createdAt,
  link: n.linkType && n.linkId ? { type: n.linkType, id: n.linkId } : null,
});

/**
 * Records the notice (inside `t` when given, so it commits with the change it reports) and then, once committed,
 * pushes it to the patient's open sockets and sends the subscribe message. WeChat being slow or down never fails the
 * caller: the notice is in 我的消息 either way. Without `t` the delivery is awaited, so its outcome is returned.
 */
export async function notify(userId: number, msg: NoticeMessage, opts: { transaction?: Transaction } = {}) {
  const notice = await PatientNotice.create(noticeRow(userId, msg, msg.link?.id), { transaction: opts.transaction });
  if (opts.transaction) {
    opts.transaction.afterCommit(() => deliverRecorded(userId, msg, notice));
    return { notice: noticeView(notice), subscribeMessage: undefined };
  }
  return {
    notice: noticeView(notice),
    subscribeMessage: await deliver(userId, msg, notice).catch(() => 'failed' as const),
  };
}

const noticeRow = (userId: number, msg: NoticeMessage, linkId: unknown) => ({
  userId,
  title: msg.title.slice(0, 64),
  content: msg.content.slice(0, 500),
  linkType: msg.link?.type ?? null,
  linkId: (msg.link ? (typeof linkId === 'object' ? linkId : String(linkId)) : null) as string | null,
});

/**
 * The notice's insert, for a caller that writes it in one statement with the change it reports (a booking): `linkId`
 * is SQL (the id the statement just inserted) when the subject does not exist yet. Once that has committed, the
 * caller hands the row to `deliverRecorded`.
 */
export function noticeInsertSql(
  userId: number,
  msg: NoticeMessage,
  linkId: Literal,
  createdAt: Date | Literal,
  /**
   * A value the statement itself reads (the family member's name, read under the account's lock): `marker` stands for
   * it in `msg.content`, and the content is put together in SQL with `sql` (an expression) in its place.
   */
  fill?: { marker: string; sql: string },
) {
  const row = { ...noticeRow(userId, msg, linkId), createdAt };
  if (!fill) return insertSql(PatientNotice, row);
  const escape = (v: string) => infra().sequelize.escape(v);
  const parts = msg.content.split(fill.marker).map(escape);
  const content = literal(`LEFT(CONCAT(${parts.join(`, ${fill.sql}, `)}), 500)`);
  return insertSql(PatientNotice, { ...row, content });
}

/** Pushes a committed notice to the patient's open sockets and sends its subscribe message; never throws. */
export function deliverRecorded(
  userId: number,
  msg: NoticeMessage,
  notice: Pick<PatientNotice, 'id' | 'title' | 'content' | 'readAt' | 'createdAt' | 'linkType' | 'linkId'>,
) {
  void deliver(userId, msg, notice).catch((err) => infra().log.error({ err, userId }, 'notice delivery failed'));
}

async function deliver(userId: number, msg: NoticeMessage, notice: Parameters<typeof noticeView>[0]) {
  await publish(personalChannel({ kind: 'mp', userId }), { type: 'notice', notice: noticeView(notice) }).catch((err) =>
    infra().log.warn({ err, userId }, 'notice not pushed to open sockets'),
  );
  return msg.template
    ? sendSubscribeMessage(userId, { ...msg.template, id: msg.template.id })
    : ('no_template' as const);
}

const fitted = (data: Record<string, string>) =>
  // WeChat rejects a thing.DATA longer than 20 characters (47003); a cut value still says most of it.
  Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      k.startsWith('thing') && [...v].length > 20 ? [...v].slice(0, 19).join('') + '…' : v,
    ]),
  );

/**
 * Spends one acceptance (a conditional decrement, so two sends never spend the same one) and sends. WeChat's 43101
 * means it holds no acceptance for this user and template whatever we recorded: the record is reset to none.
 */
async function sendSubscribeMessage(
  userId: number,
  t: { id: string | undefined; data: Record<string, string>; page?: string },
): Promise<SubscribeOutcome> {
  const { log, wechat } = infra();
  if (!t.id) return 'no_template';
  const [spent] = await NotificationSubscription.update(
    { remaining: literal('remaining - 1') as unknown as number },
    { where: { userId, templateId: t.id, remaining: { [Op.gt]: 0 } } },
  );
  if (!spent) return 'no_quota';
  const openid = await openidOf(userId);
  if (!openid) {
    await giveBack(userId, t.id);
    return 'no_openid';
  }
  try {
    await wechat.sendSubscribeMessage({ touser: openid, templateId: t.id, page: t.page, data: fitted(t.data) });
    return 'sent';
  } catch (err) {
    if (err instanceof WechatError && err.errcode === 43101) {
      await NotificationSubscription.update({ remaining: 0 }, { where: { userId, templateId: t.id } });
      return 'refused';
    }
    // Not delivered, so WeChat did not spend the acceptance either (except for a bad openid, which no retry fixes).
    if (!(err instanceof WechatError && err.errcode === 40003)) await giveBack(userId, t.id);
    log.warn({ err, userId, templateId: t.id }, 'subscribe message not sent; the notice is in-app only');
    return 'failed';
  }
}

async function giveBack(userId: number, id: string) {
  await NotificationSubscription.update(
    { remaining: literal('remaining + 1') as unknown as number },
    { where: { userId, templateId: id } },
  );
}

const MAX_QUOTA = 50;

/**
 * The result of wx.requestSubscribeMessage, `{ errMsg, [templateId]: 'accept' | 'reject' | 'ban' | 'filter' }`: each
 * accepted template adds one send. The client's word is trusted only this far: WeChat itself refuses (43101) a send
 * the user never accepted, and then the notice falls back to in-app.
 */
export async function recordSubscriptions(actor: MpActor, result: Record<string, string>) {
  const accepted = Object.entries(result)
    .filter(([k, v]) => k !== 'errMsg' && v === 'accept')
    .map(([k]) => k);
  for (const id of accepted) {
    const [row] = await NotificationSubscription.findOrCreate({
      where: { userId: actor.userId, templateId: id },
      defaults: { userId: actor.userId, templateId: id, remaining: 0 },
    });
    await NotificationSubscription.update(
      {
        remaining: literal(
          `CASE WHEN remaining < ${MAX_QUOTA} THEN remaining + 1 ELSE remaining END`,
        ) as unknown as number,
      },
      { where: { id: row.id } },
    );
  }
  return subscriptionQuota(actor);
}

export async function subscriptionQuota(actor: MpActor) {
  const rows = await NotificationSubscription.findAll({
    where: { userId: actor.userId },
    order: [['templateId', 'ASC']],
  });
  return { quota: Object.fromEntries(rows.map((r) => [r.templateId, r.remaining])) as Record<string, number> };
}

export async function myNotices(actor: MpActor, q: { page: number; pageSize: number }) {
  const { rows, count } = await PatientNotice.findAndCountAll({
    where: { userId: actor.userId },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const unread = await PatientNotice.count({ where: { userId: actor.userId, readAt: { [Op.is]: null } } });
  return { items: rows.map(noticeView), total: count, page: q.page, pageSize: q.pageSize, unread };
}

export async function readNotice(actor: MpActor, id: number) {
  const [n] = await PatientNotice.update({ readAt: new Date() }, { where: { id, userId: actor.userId } });
  if (!n) throw notFound('消息不存在');
}
