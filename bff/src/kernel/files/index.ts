export { storeUpload, serveFile, fileOfUrl, fileView, FILE_RULES } from './service';
export { initFileModels, StoredFile, type FileKind } from './models';
export { fileAdminRoutes, filePublicRoutes, FILE_UPLOAD } from './routes';
