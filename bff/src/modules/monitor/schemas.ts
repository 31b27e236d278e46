import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

export const OperLog = z.object({
  id: z.number().int(),
  userId: z.number().int().nullable(),
  username: z.string().nullable(),
  module: z.string(),
  action: z.string(),
  method: z.string(),
  path: z.string(),
  target: z.string().nullable(),
  params: z.unknown().describe('request parameters with personal data masked'),
  status: z.enum(['success', 'fail']),
  errorCode: z.string().nullable(),
  ip: z.string().nullable(),
  durationMs: z.number().int(),
  createdAt: z.date(),
});
export type OperLog = z.infer<typeof OperLog>;
export const OperLogQuery = PageQuery.extend({
  username: z.string().max(64).optional(),
  module: z.string().max(32).optional(),
  status: z.enum(['success', 'fail']).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export const OperLogPage = pageOf(OperLog);

export const LoginLog = z.object({
  id: z.number().int(),
  username: z.string(),
  userId: z.number().int().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  status: z.enum(['success', 'fail', 'locked']),
  message: z.string(),
  locked: z.boolean().describe('the account is locked right now'),
  createdAt: z.date(),
});
export type LoginLog = z.infer<typeof LoginLog>;
export const LoginLogQuery = PageQuery.extend({
  username: z.string().max(64).optional(),
  status: z.enum(['success', 'fail', 'locked']).optional(),
  ip: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export const LoginLogPage = pageOf(LoginLog);

export const OnlineSession = z.object({
  sessionId: z.string(),
  userId: z.number().int(),
  username: z.string(),
  name: z.string(),
  deptName: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  loginAt: z.date(),
  lastSeenAt: z.date(),
});
export type OnlineSession = z.infer<typeof OnlineSession>;
export const OnlineQuery = PageQuery.extend({ username: z.string().max(64).optional() });
export const OnlinePage = pageOf(OnlineSession);
export const SessionParams = z.object({ sessionId: z.uuid() });
