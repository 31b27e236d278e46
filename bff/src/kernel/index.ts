import type { ModuleManifest } from './module';
import { initNotificationModels, notificationMpRoutes } from './notifications';
import { ACCESS_LOG_LIST, accessLogRoutes, initAuditModels } from './audit';
import { FILE_UPLOAD, fileAdminRoutes, filePublicRoutes, initFileModels } from './files';

/**
 * The kernel's platform services that own tables and routes, in the same manifest shape as a domain so the
 * composition root treats them alike. (Realtime owns neither: server.ts attaches it to the HTTP server.)
 */
export const KERNEL_MODULES: readonly ModuleManifest[] = [
  { name: 'notifications', initModels: initNotificationModels, mpRoutes: notificationMpRoutes, permissions: {} },
  { name: 'audit', initModels: initAuditModels, adminRoutes: accessLogRoutes, permissions: { ACCESS_LOG_LIST } },
  {
    name: 'files',
    initModels: initFileModels,
    adminRoutes: fileAdminRoutes,
    otherRoutes: [{ prefix: '/files', tag: 'files', routes: filePublicRoutes }],
    permissions: { FILE_UPLOAD },
  },
];
