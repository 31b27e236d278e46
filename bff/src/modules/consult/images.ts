import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { infra } from '../../infra';
import { AppError, notFound } from '../../http/errors';
import type { RealtimeActor } from '../../kernel/realtime';
import { ConsultMessage } from './models';
import { messageView, participantConsultation, sendImage } from './service';

/** The image types a chat accepts, recognised by their first bytes (never by the name or Content-Type the client sends). */
const SIGNATURES: { type: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/png',
    ext: 'png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/gif', ext: 'gif', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  {
    type: 'image/webp',
    ext: 'webp',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

/**
 * Chat images live under DATA_DIR/consult-images — beside the database file, outside every directory the BFF serves
 * statically — and are only ever read back through a route that checks the caller takes part in the conversation.
 * (Several instances need this directory on shared storage.)
 */
export const imageDir = () => path.join(path.dirname(infra().config.sqlitePath), 'consult-images');

export function sniffImage(bytes: Buffer) {
  if (bytes.length > infra().config.CONSULT_IMAGE_MAX_BYTES)
    throw new AppError(
      413 as number,
      'IMAGE_TOO_LARGE',
      `图片不能超过 ${Math.round(infra().config.CONSULT_IMAGE_MAX_BYTES / 1024 / 1024)} MB`,
    );
  if (bytes.length === 0) throw new AppError(400, 'IMAGE_TYPE', '图片内容为空');
  const sig = SIGNATURES.find((s) => s.test(bytes));
  if (!sig) throw new AppError(415 as number, 'IMAGE_TYPE', '只支持 JPG、PNG、GIF、WebP 格式的图片');
  return sig;
}

/** Stores an uploaded image and sends it as a message; a resend of the same client id keeps the first file. */
export async function uploadImage(actor: RealtimeActor, consultationId: number, clientMsgId: string, bytes: Buffer) {
  await participantConsultation(actor, consultationId);
  const sig = sniffImage(bytes);
  const key = `${crypto.randomUUID()}.${sig.ext}`;
  const dir = imageDir();
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(dir, key), bytes, { mode: 0o600 });
  try {
    const r = await sendImage(actor, consultationId, { clientMsgId, imageKey: key, imageType: sig.type });
    if (r.duplicate) await fs.rm(path.join(dir, key), { force: true });
    return { message: messageView(r.message), duplicate: r.duplicate };
  } catch (err) {
    await fs.rm(path.join(dir, key), { force: true });
    throw err;
  }
}

/** An image message's bytes, for a participant (`actor`) or for staff whose access the caller already checked. */
export async function imageOf(consultationId: number, messageId: number, opts: { includeHidden?: boolean } = {}) {
  const m = await ConsultMessage.findOne({ where: { id: messageId, consultationId } });
  if (!m || !m.imageKey || (m.hiddenAt && !opts.includeHidden)) throw notFound('图片不存在');
  const bytes = await fs.readFile(path.join(imageDir(), path.basename(m.imageKey))).catch(() => {
    throw notFound('图片不存在');
  });
  return { bytes, type: m.imageType ?? 'application/octet-stream' };
}

export async function participantImage(actor: RealtimeActor, consultationId: number, messageId: number) {
  await participantConsultation(actor, consultationId);
  return imageOf(consultationId, messageId);
}
