import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { forbidden, passwordChangeRequired, validationError } from './errors';
import { hasPerm, type AdminActor, type MpActor } from './actor';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Auth = 'public' | 'mp' | 'admin';
type ActorOf<A extends Auth> = A extends 'admin' ? AdminActor : A extends 'mp' ? MpActor : undefined;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
/**
 * A response serialised once, sent as the same text to everyone who asks for it within a moment: for the reads a
 * whole rush makes at once (the schedule listing), where building and stringifying the same answer for every
 * request is most of the work. Checked against the route's schema like any other result.
 */
export class Serialized<T> {
  /** UTF-8 bytes, so the Chinese text is not encoded again for every request that sends it. */
  readonly bytes: Buffer;
  constructor(readonly value: T) {
    this.bytes = Buffer.from(JSON.stringify(value));
  }
}

/**
 * What a handler may return: with a response schema, exactly what that schema accepts, or it already serialised
 * (undefined → 204 when it has none).
 */
type Returns<R> = R extends z.ZodType ? z.input<R> | Serialized<z.input<R>> : unknown;

export interface RouteDef<A extends Auth, P, Q, B, R = undefined> {
  method: Method;
  path: string;
  summary: string;
  auth: A;
  /** Permission string the admin needs (`system:user:add`); `*:*:*` holders pass every check. */
  perm?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** What the handler returns; checked against it in test and development (see checkResponse). */
  response?: R;
  status?: number;
  /**
   * Admin routes refuse a user who must still change an initial or reset password (PASSWORD_CHANGE_REQUIRED);
   * the few that user needs (their profile, changing the password, logging out) opt out here.
   */
  allowWithPendingPasswordChange?: boolean;
  /**
   * Module for the operation log (its label is in shared/oper-log-labels.ts). Admin writes are logged by default
   * (module: the path's first segment); a read is logged only when it names its module here — an export of
   * patient data is the most sensitive read there is.
   */
  audit?: string | false;
  handler: (input: {
    params: Out<P>;
    query: Out<Q>;
    body: Out<B>;
    actor: ActorOf<A>;
    ctx: Context;
  }) => Promise<Returns<R>> | Returns<R>;
}

export interface RegisteredRoute {
  method: Method;
  path: string;
  summary: string;
  auth: Auth;
  perm?: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status: number;
  /** The operation-log module when calls of this route are logged (admin writes, and reads that ask for it). */
  logModule?: string;
}

/**
 * What the route tree needs from the domains above it, handed in once by the composition root (app.ts) so that
 * http/ imports no domain: who the caller is, and where an admin write is audited.
 */
export interface RouteHooks {
  authenticateAdmin(ctx: Context): Promise<AdminActor>;
  authenticateMp(ctx: Context): Promise<MpActor>;
  recordOperation(e: {
    actor: AdminActor;
    module: string;
    /** `METHOD /prefix/pattern`: what the operation log's action label is looked up by */
    route: string;
    action: string;
    method: string;
    path: string;
    params: unknown;
    error?: unknown;
    ip: string;
    durationMs: number;
  }): Promise<unknown>;
}

let hooks: RouteHooks | undefined;
export function configureRoutes(h: RouteHooks) {
  hooks = h;
}
function routeHooks(): RouteHooks {
  if (!hooks) throw new Error('configureRoutes() was not called before the first request');
  return hooks;
}

/** Every route of the app, for the OpenAPI document. */
export const registry: RegisteredRoute[] = [];

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string) {
  if (!schema) return undefined;
  const r = (schema as z.ZodType).safeParse(value);
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

declare module 'koa' {
  interface DefaultContext {
    /** Validate every handler's result against its response schema (test and development; production skips it). */
    checkResponses?: boolean;
  }
}

/** A handler returned something its response schema does not describe: our bug, so a 500 naming the route. */
export class ResponseMismatchError extends Error {
  constructor(route: string, detail: string) {
    super(`response of ${route} does not match its schema: ${detail}`);
    this.name = 'ResponseMismatchError';
  }
}

/**
 * The result must parse, and carry no field the schema leaves out: an undeclared field is one the front-ends'
 * types do not know about, and on a patient route it may be a console-only one leaking out.
 */
function checkResponse(schema: z.ZodType, result: unknown, route: string) {
  const r = schema.safeParse(result);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ResponseMismatchError(route, `${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const extra = undeclared(result, r.data, '');
  if (extra) throw new ResponseMismatchError(route, `${extra}: not in the response schema`);
}

function undeclared(value: unknown, parsed: unknown, at: string): string | undefined {
  // What goes on the wire is toJSON()'s output (a Sequelize instance serialises every column).
  const sent =
    value instanceof Date || typeof (value as { toJSON?: unknown })?.toJSON !== 'function'
      ? value
      : (value as { toJSON(): unknown }).toJSON();
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (let i = 0; i < sent.length; i++) {
      const e = undeclared(sent[i], parsed[i], `${at}[${i}]`);
      if (e) return e;
    }
    return undefined;
  }
  if (!isPlainObject(sent) || !isPlainObject(parsed)) return undefined;
  for (const [k, v] of Object.entries(sent)) {
    if (v === undefined) continue;
    const where = at ? `${at}.${k}` : k;
    if (!(k in parsed)) return where;
    const e = undeclared(v, parsed[k], where);
    if (e) return e;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * One route tree per front-end (/api/mp, /api/admin). A route is declared once: its schemas validate the
 * request, document it in OpenAPI, and its auth/permission is checked before the handler sees anything.
 */
export class RouteTree {
  readonly router: Router;
  constructor(
    readonly prefix: string,
    private tag: string,
  ) {
    this.router = new Router({ prefix });
  }

  add<
    A extends Auth,
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
    R extends z.ZodType | undefined = undefined,
  >(def: RouteDef<A, P, Q, B, R>) {
    const status = def.status ?? (def.method === 'post' ? 201 : 200);
    const audited =
      def.auth === 'admin' && def.audit !== false && (def.method !== 'get' || typeof def.audit === 'string');
    const logModule = audited ? def.audit || def.path.split('/')[1] || 'system' : undefined;
    registry.push({
      method: def.method,
      path: this.prefix + def.path,
      summary: def.summary,
      auth: def.auth,
      perm: def.perm,
      tag: this.tag,
      params: def.params,
      query: def.query,
      body: def.body,
      response: def.response,
      status,
      logModule,
    });
    this.router[def.method](def.path, async (ctx: Context) => {
      const started = Date.now();
      let actor: AdminActor | MpActor | undefined;
      if (def.auth === 'admin') {
        actor = await routeHooks().authenticateAdmin(ctx);
        if (actor.mustChangePassword && !def.allowWithPendingPasswordChange) throw passwordChangeRequired();
        if (def.perm && !hasPerm(actor, def.perm))
          throw forbidden('FORBIDDEN', '没有权限执行此操作', { required: def.perm });
      } else if (def.auth === 'mp') {
        actor = await routeHooks().authenticateMp(ctx);
      }
      ctx.state.actor = actor;
      const run = async () => {
        const params = parse(def.params, ctx.params, 'params');
        const query = parse(def.query, ctx.query, 'query');
        const body = parse(def.body, ctx.request.body ?? {}, 'body');
        const returned: unknown = await def.handler({ params, query, body, actor, ctx } as never);
        const result = returned instanceof Serialized ? (returned.value as unknown) : returned;
        if (def.response && ctx.checkResponses)
          checkResponse(def.response, result, `${def.method.toUpperCase()} ${this.prefix}${def.path}`);
        if (returned instanceof Serialized) {
          ctx.status = status;
          ctx.type = 'application/json';
          ctx.body = returned.bytes;
        } else if (result === undefined) {
          ctx.status = 204;
        } else if (result === null) {
          ctx.status = status;
          ctx.type = 'application/json';
          ctx.body = 'null';
        } else {
          ctx.status = status;
          ctx.body = result;
        }
      };
      if (!audited) return run();
      let error: unknown;
      try {
        await run();
      } catch (e) {
        error = e;
        throw e;
      } finally {
        await routeHooks()
          .recordOperation({
            actor: actor as AdminActor,
            module: logModule!,
            route: `${def.method.toUpperCase()} ${this.prefix}${def.path}`,
            action: def.summary,
            method: def.method.toUpperCase(),
            path: ctx.path,
            // a logged read (an export) is described by its query: which rows were taken away
            params: { ...ctx.params, ...((def.method === 'get' ? ctx.query : ctx.request.body) as object) },
            error,
            ip: ctx.ip,
            durationMs: Date.now() - started,
          })
          .catch((err) => ctx.log.error({ err }, 'operation log failed'));
      }
    });
    return this;
  }
}
