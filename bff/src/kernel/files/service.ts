import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromFile } from 'file-type';
import type { Context } from 'koa';
import send from 'send';
import { infra } from '../../infra';
import { AppError, badRequest, notFound } from '../../http/errors';
import { StoredFile, type FileKind } from './models';

/** What each kind accepts, by the type sniffed from the bytes (file-type), and how large it may be. */
export const FILE_RULES: Record<FileKind, { mimes: string[]; maxBytes: number; label: string }> = {
  image: { mimes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxBytes: 5 * 1024 * 1024, label: '图片' },
  video: { mimes: ['video/mp4', 'video/webm', 'video/quicktime'], maxBytes: 300 * 1024 * 1024, label: '视频' },
  report: {
    mimes: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'],
    maxBytes: 10 * 1024 * 1024,
    label: 'PDF 或图片',
  },
};

/** Kinds whose files are medical data: stored apart and never served by name. */
const PRIVATE_KINDS: ReadonlySet<FileKind> = new Set<FileKind>(['report']);
export const isPrivateKind = (kind: FileKind) => PRIVATE_KINDS.has(kind);

export const uploadDir = () => path.resolve(infra().config.DATA_DIR, 'uploads');
/** Private files live beside the public ones, in a folder nothing serves statically either. */
export const privateDir = () => path.resolve(infra().config.DATA_DIR, 'private-uploads');
const dirOf = (kind: FileKind) => (isPrivateKind(kind) ? privateDir() : uploadDir());
const fileUrl = (f: StoredFile) => `/files/${f.id}.${f.ext}`;

export const fileView = (f: StoredFile) => ({
  id: f.id,
  kind: f.kind,
  mime: f.mime,
  size: Number(f.size),
  url: fileUrl(f),
});

class TooLarge extends Error {}

/**
 * Streams the request body to a temporary file under the upload directory (never all in memory: videos are large),
 * refusing past the kind's limit, then sniffs the real type from the first bytes. Anything not on the kind's list is
 * deleted and refused, whatever name or Content-Type the client gave it.
 */
export async function storeUpload<K extends FileKind>(
  uploaderId: number,
  kind: K,
  body: Readable,
  opts: { declaredLength?: number; originalName?: string },
) {
  const rule = FILE_RULES[kind];
  const tooLarge = () =>
    new AppError(413, 'FILE_TOO_LARGE', `${rule.label}不能超过 ${Math.round(rule.maxBytes / 1024 / 1024)} MB`);
  if (opts.declaredLength && opts.declaredLength > rule.maxBytes) throw tooLarge();
  const dir = dirOf(kind);
  await fs.promises.mkdir(dir, { recursive: true });
  const id = crypto.randomUUID();
  const tmp = path.join(dir, `${id}.part`);
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      cb(size > rule.maxBytes ? new TooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(body, counter, fs.createWriteStream(tmp, { mode: 0o600 }));
    if (size === 0) throw badRequest('FILE_EMPTY', '文件内容为空');
    const type = await fileTypeFromFile(tmp);
    if (!type || !rule.mimes.includes(type.mime))
      throw new AppError(
        415,
        'FILE_TYPE',
        `只能上传${rule.label}（${rule.mimes.map((m) => m.split('/')[1]).join('、')}）`,
      );
    await fs.promises.rename(tmp, path.join(dir, `${id}.${type.ext}`));
    const f = await StoredFile.create({
      id,
      kind,
      mime: type.mime,
      ext: type.ext,
      size,
      originalName: opts.originalName?.slice(0, 255) ?? null,
      uploaderId,
    });
    return { ...fileView(f), kind };
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    if (err instanceof TooLarge) throw tooLarge();
    throw err;
  }
}

/** The stored file an URL of ours names (`/files/<uuid>.<ext>`), or undefined for any other URL. */
export async function fileOfUrl(url: string) {
  const m = /^\/files\/([0-9a-f-]{36})\.\w+$/.exec(url);
  return m ? ((await StoredFile.findByPk(m[1])) ?? undefined) : undefined;
}

/**
 * Deletes one of our public images named by its URL — its row and its bytes — when `uploaderId` uploaded it: a
 * personal upload (an avatar) replaced or erased with its account. Anything else (another URL, someone else's file, a
 * video, a private medical file) is left alone. Returns whether a file was deleted.
 */
export async function deletePersonalImage(url: string | null | undefined, uploaderId: number): Promise<boolean> {
  if (!url) return false;
  const f = await fileOfUrl(url);
  if (!f || f.kind !== 'image' || f.uploaderId !== uploaderId) return false;
  await f.destroy();
  await fs.promises.rm(path.join(dirOf(f.kind), `${f.id}.${f.ext}`), { force: true });
  return true;
}

/**
 * Sends a stored file with `send`, which answers Range requests (206, 416), HEAD and conditional GETs, so a video
 * seeks. The Content-Type is the sniffed one; nosniff keeps browsers from guessing otherwise.
 */
export async function serveFile(ctx: Context, name: string) {
  const m = /^([0-9a-f-]{36})\.(\w{1,16})$/.exec(name);
  const f = m ? await StoredFile.findByPk(m[1]) : null;
  // A private file is not found by its name, whoever asks.
  if (!f || f.ext !== m![2] || isPrivateKind(f.kind)) throw notFound('文件不存在');
  await sendFile(ctx, f, { maxAge: 7 * 86400_000, immutable: true });
}

/**
 * A private stored file (a report's PDF or image), for a caller whose access its domain has already checked:
 * never cached by a shared cache, always the sniffed type.
 */
export async function sendStoredFile(ctx: Context, fileId: string) {
  const f = await StoredFile.findByPk(fileId);
  if (!f) throw notFound('文件不存在');
  ctx.set('Cache-Control', 'private, no-store');
  await sendFile(ctx, f, { maxAge: 0, immutable: false });
}

async function sendFile(ctx: Context, f: StoredFile, cache: { maxAge: number; immutable: boolean }) {
  ctx.respond = false;
  // Koa starts every response at 404; send sets 206 and 304 itself but leaves a full answer at the status it finds.
  ctx.res.statusCode = 200;
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Type', f.mime);
  ctx.set('Content-Disposition', 'inline');
  await new Promise<void>((resolve, reject) => {
    const stream = send(ctx.req, `${f.id}.${f.ext}`, {
      root: dirOf(f.kind),
      maxAge: cache.maxAge,
      immutable: cache.immutable,
      cacheControl: cache.maxAge > 0,
      dotfiles: 'deny',
    });
    stream.on('headers', (res) => res.setHeader('Content-Type', f.mime));
    stream.on('error', (err: { status?: number }) => {
      ctx.respond = true;
      ctx.remove('Content-Disposition');
      if (err.status === 416) {
        ctx.set('Content-Range', `bytes */${f.size}`);
        reject(new AppError(416, 'RANGE_NOT_SATISFIABLE', '请求的范围超出文件大小'));
      } else if (err.status === 412) reject(new AppError(412, 'BAD_REQUEST', '文件已变化'));
      else reject(err.status === 404 || err.status === 403 ? notFound('文件不存在') : err);
    });
    stream.on('end', resolve);
    ctx.res.on('finish', resolve);
    ctx.res.on('close', resolve);
    stream.pipe(ctx.res);
  });
}
