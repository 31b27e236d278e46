import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { serveFile, storeUpload } from './service';

/** Permission to upload images and videos from the console (editors of any domain that has media). */
export const FILE_UPLOAD = 'common:file:upload';

export const FileUploadQuery = z.object({
  kind: z.enum(['image', 'video']),
  filename: z.string().trim().max(255).optional(),
});
export const StoredFileView = z.object({
  id: z.string(),
  kind: z.enum(['image', 'video']),
  mime: z.string(),
  size: z.number().int(),
  url: z.string(),
});

export function fileAdminRoutes(t: RouteTree) {
  t.add({
    method: 'post',
    path: '/files',
    summary: '上传图片或视频（请求体为文件本身；类型按内容识别，大小受限）',
    auth: 'admin',
    perm: FILE_UPLOAD,
    query: FileUploadQuery,
    response: StoredFileView,
    audit: false,
    handler: ({ actor, query, ctx }) =>
      storeUpload(actor.userId, query.kind, ctx.req, {
        declaredLength: Number(ctx.get('content-length')) || undefined,
        originalName: query.filename,
      }),
  });
}

/** /files/<uuid>.<ext>: public by an unguessable name (covers and article images appear in patients' pages). */
export function filePublicRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/:name',
    summary: '读取上传的文件（支持 Range 请求，视频可拖动）',
    auth: 'public',
    params: z.object({ name: z.string().max(64) }),
    handler: async ({ params, ctx }) => void (await serveFile(ctx, params.name)),
  });
}
