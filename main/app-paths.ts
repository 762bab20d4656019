// Where the bundled app finds its parts. electron-main.js is built to dist/main/, so the preload,
// the renderer and the assets are found relative to it, in a checkout and inside the asar alike.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const distMain = path.dirname(fileURLToPath(import.meta.url));

/** electron-builder.config.ts's appId; on Windows also the AppUserModelID that toasts are tied to. */
export const APP_ID = 'com.converse.desktop';

export const APP_SCHEME = 'app';
export const APP_HOST = 'converse';
/** The origin the renderer is served from: a custom scheme, never file:// (no ambient file access). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export const appPaths = {
  preload: path.join(distMain, '../preload/electron-preload.cjs'),
  renderer: path.join(distMain, '../renderer'),
  assets: path.join(distMain, '../../assets'),
  /** The embedded server's utility-process script (scripts/build.mjs). */
  embeddedServer: path.join(distMain, 'embedded-server.mjs'),
};
