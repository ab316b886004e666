export { buildOciArchive, buildOciLayout, archiveOciLayout, OciMediaType, type OciImageSpec, type OciLayout } from './layout.js';
export {
  buildOfflineImages,
  ensureOfflineImages,
  OFFLINE_IMAGE_RECIPES,
  SANDBOX_IMAGE,
  type EnsureOfflineImagesOptions,
  type EnsureOfflineImagesResult,
} from './offline-images.js';
export { normalizeImageRef } from './reference.js';
