export { auditRead, auditReads, type ReadOrigin, type ReadEntry } from './service';
export { initAuditModels, DataAccessLog } from './models';
export { accessLogRoutes, ACCESS_LOG_LIST } from './admin.routes';
