import crypto from 'node:crypto';
import { Op, type WhereOptions } from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { DataAccessLog } from './models';

/** Where a read came from: the client address and the request it belongs to (rows of one list page share it). */
export interface ReadOrigin {
  ip: string;
  requestId?: string;
}

export interface ReadEntry extends ReadOrigin {
  /** What was read, `domain.entity.action`: booking.appointment.list, consult.session.view … */
  what: string;
  patientId?: number | null;
  subjectType: string;
  subjectId: string | number;
}

type Reader = Pick<AdminActor, 'userId' | 'username' | 'roles'>;

/** Records one read of a patient's medical data by staff. Awaited before the data is returned: no unaudited read. */
export async function auditRead(actor: Reader, e: ReadEntry) {
  await auditReads(actor, {
    what: e.what,
    subjectType: e.subjectType,
    ip: e.ip,
    requestId: e.requestId,
    subjects: [{ patientId: e.patientId ?? null, subjectId: e.subjectId }],
  });
}

const CHUNK = 1000;

/**
 * A read that shows many subjects (a list page, an export): one row per patient, naming every subject of that patient
 * that was shown, so "who saw patient X, and what" is one indexed lookup.
 */
export async function auditReads(
  actor: Reader,
  r: ReadOrigin & {
    what: string;
    subjectType: string;
    subjects: { patientId: number | null; subjectId: string | number }[];
  },
) {
  if (!r.subjects.length) return;
  const byPatient = new Map<number | null, string[]>();
  for (const s of r.subjects) {
    const ids = byPatient.get(s.patientId) ?? [];
    ids.push(String(s.subjectId));
    byPatient.set(s.patientId, ids);
  }
  const requestId = r.requestId ?? crypto.randomUUID();
  const createdAt = new Date();
  const rows = [...byPatient].map(([patientId, ids]) => ({
    requestId,
    actorId: actor.userId,
    actorName: actor.username.slice(0, 64),
    actorRoles: actor.roles.join(',').slice(0, 255),
    what: r.what.slice(0, 64),
    patientId,
    subjectType: r.subjectType.slice(0, 32),
    subjectIds: [...new Set(ids)].join(','),
    ip: r.ip ? r.ip.slice(0, 64) : null,
    createdAt,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) await DataAccessLog.bulkCreate(rows.slice(i, i + CHUNK));
}

export async function listAccessLogs(q: {
  page: number;
  pageSize: number;
  patientId?: number;
  actorId?: number;
  username?: string;
  what?: string;
  from?: string;
  to?: string;
}) {
  const where: WhereOptions<DataAccessLog> = {
    ...(q.patientId ? { patientId: q.patientId } : {}),
    ...(q.actorId ? { actorId: q.actorId } : {}),
    ...(q.username ? { actorName: q.username } : {}),
    ...(q.what ? { what: q.what } : {}),
    ...(q.from || q.to
      ? {
          createdAt: {
            ...(q.from ? { [Op.gte]: new Date(q.from) } : {}),
            ...(q.to ? { [Op.lte]: new Date(q.to) } : {}),
          },
        }
      : {}),
  };
  const { rows, count } = await DataAccessLog.findAndCountAll({
    where,
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return {
    items: rows.map((l) => ({
      id: Number(l.id),
      requestId: l.requestId,
      actorId: l.actorId,
      actorName: l.actorName,
      actorRoles: l.actorRoles ? l.actorRoles.split(',') : [],
      what: l.what,
      patientId: l.patientId,
      subjectType: l.subjectType,
      subjectIds: l.subjectIds.split(','),
      ip: l.ip,
      createdAt: l.createdAt,
    })),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}
