import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

export const AccessLog = z.object({
  id: z.number().int(),
  requestId: z.string(),
  actorId: z.number().int(),
  actorName: z.string(),
  actorRoles: z.array(z.string()),
  what: z.string(),
  patientId: z.number().int().nullable(),
  subjectType: z.string(),
  subjectIds: z.array(z.string()),
  ip: z.string().nullable(),
  createdAt: z.date(),
});
export const AccessLogQuery = PageQuery.extend({
  patientId: z.coerce.number().int().positive().optional(),
  actorId: z.coerce.number().int().positive().optional(),
  username: z.string().max(64).optional(),
  what: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export const AccessLogPage = pageOf(AccessLog);
