/**
 * The e-ticket (电子就诊凭证): a QR code the patient shows at the clinic, scanned (or typed) in the console to check
 * them in. The code is `YT1.<appointment no>.<signature>`: the appointment's number is random already, and the
 * HMAC-SHA256 signature (a key derived from the server's secret) makes a code that was not issued by us worthless
 * even to someone who learned a number; codes are compared in constant time.
 */
import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { Op } from 'sequelize';
import { infra } from '../../infra';
import type { AdminActor, MpActor } from '../../http/actor';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { APPOINTMENT_STATUS_LABEL } from '../../shared/clinic';
import { chinaDay, shanghaiDate } from '../../shared/time';
import type { ReadOrigin } from '../../kernel/audit';
import { Appointment } from './models';
import { appointmentScopeWhere } from './service';
import { getAppointment } from './console';

const PREFIX = 'YT1';
let key: { secret: string; key: Buffer } | undefined;
function ticketKey() {
  const secret = infra().config.JWT_SECRET;
  if (key?.secret !== secret)
    key = { secret, key: Buffer.from(crypto.hkdfSync('sha256', secret, 'yiyun', 'e-ticket v1', 32)) };
  return key.key;
}
const sign = (no: string) => crypto.createHmac('sha256', ticketKey()).update(no).digest('base64url').slice(0, 22);

export const ticketCode = (no: string) => `${PREFIX}.${no}.${sign(no)}`;

/** The appointment number in a code we issued, or null for anything else (never throws on odd input). */
export function verifyTicketCode(code: string): string | null {
  const m = /^YT1\.([A-Za-z0-9]{6,32})\.([A-Za-z0-9_-]{22})$/.exec(code.trim());
  if (!m) return null;
  const expected = Buffer.from(sign(m[1]));
  const given = Buffer.from(m[2]);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? m[1] : null;
}

const TICKET_STATUSES = ['booked', 'visited'] as const;

/** The patient's own e-ticket: only a paid (or free) booking has one. */
export async function myTicket(actor: MpActor, id: number) {
  const a = await Appointment.findOne({ where: { id, userId: actor.userId } });
  if (!a) throw notFound('预约不存在');
  if (!(TICKET_STATUSES as readonly string[]).includes(a.status))
    throw conflict(
      'TICKET_NOT_VALID',
      a.status === 'pending_payment'
        ? '支付完成后才有电子就诊凭证'
        : `该预约${APPOINTMENT_STATUS_LABEL[a.status]}，没有就诊凭证`,
    );
  const code = ticketCode(a.no);
  const qrDataUrl = await QRCode.toDataURL(code, { errorCorrectionLevel: 'M', margin: 1, width: 280 });
  return { appointmentId: a.id, code, qrDataUrl, checkedInAt: a.checkedInAt ?? null };
}

/**
 * 签到: a scanned or typed code checks its patient in for today. Refused, with nothing written: a code we did not issue
 * (TICKET_INVALID), another department's patient (OUT_OF_SCOPE), a booking that no longer stands or is not paid
 * (TICKET_NOT_VALID), another day's (TICKET_NOT_TODAY), one already checked in (ALREADY_CHECKED_IN).
 */
export async function checkIn(actor: AdminActor, code: string, from: ReadOrigin) {
  const no = verifyTicketCode(code);
  if (!no) throw unprocessable('TICKET_INVALID', '无效的就诊凭证，请核对后重试');
  const a = await Appointment.findOne({ where: { no } });
  if (!a) throw unprocessable('TICKET_INVALID', '无效的就诊凭证，请核对后重试');
  if (!(await Appointment.count({ where: { [Op.and]: [{ id: a.id }, appointmentScopeWhere(actor)] } })))
    throw forbidden('OUT_OF_SCOPE', '该凭证不属于您管理的科室或医生');
  if (a.status !== 'booked')
    throw conflict(
      'TICKET_NOT_VALID',
      a.status === 'pending_payment'
        ? '该预约尚未支付，不能签到'
        : `该预约${APPOINTMENT_STATUS_LABEL[a.status]}，不能签到`,
      { status: a.status },
    );
  if (a.clinicDate !== shanghaiDate())
    throw conflict('TICKET_NOT_TODAY', `该凭证是 ${chinaDay(a.clinicDate)} 的预约，不是今天的`, {
      clinicDate: a.clinicDate,
    });
  // Conditional: two scans at once check in once.
  const [n] = await Appointment.update(
    { checkedInAt: new Date(), checkedInBy: actor.userId },
    { where: { id: a.id, status: 'booked', checkedInAt: null } },
  );
  if (!n) {
    await a.reload();
    throw conflict('ALREADY_CHECKED_IN', '该患者已签到', { checkedInAt: a.checkedInAt });
  }
  return getAppointment(actor, a.id, from);
}
