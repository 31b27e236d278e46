export {
  storeUpload,
  deletePersonalImage,
  serveFile,
  sendStoredFile,
  fileOfUrl,
  fileView,
  FILE_RULES,
  isPrivateKind,
} from './service';
export { initFileModels, StoredFile, type FileKind } from './models';
export { fileAdminRoutes, filePublicRoutes, FILE_UPLOAD } from './routes';
