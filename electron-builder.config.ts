// electron-builder's configuration for `npm run dist` (scripts/dist.mjs), which runs electron-builder
// once per platform and says which through CONVERSE_DIST_PLATFORM. tests/packaging/builder-config.test.ts
// checks it against electron-builder's own schema and the rules below.
import type { Configuration } from 'electron-builder';
import { z } from 'zod';
import { APP_ID } from './main/app-paths';
import { BINDING_FILE, BUILD_INFO_FILE } from './main/shell-policy/native-binding';

export type DistPlatform = 'linux' | 'mac' | 'win';

export const PRODUCT_NAME = 'Converse Desktop';
/**
 * The product's name in Linux file names: the executable, the deb package, the .desktop file and
 * the install folder (electron-builder installs to /opt/<productName>, and only productName sets it).
 * Electron has crashed on Debian from a space in that path (Element Desktop removes it the same way).
 * Menus still show PRODUCT_NAME (the desktop entry's Name), and the app's own name, which decides
 * its data folder, stays package.json's productName: electron-builder does not write this one there.
 */
export const LINUX_NAME = 'converse-desktop';

/**
 * The deb's dependencies. electron-builder's `deb.depends` replaces its default list instead of
 * adding to it, so that list is repeated here (the test reads it from electron-builder and fails if
 * one is missing), followed by what Electron also loads: sound, and the GPU buffers of Chromium.
 */
const DEB_DEPENDS = [
  'libgtk-3-0',
  'libnotify4',
  'libnss3',
  'libxss1',
  'libxtst6',
  'xdg-utils',
  'libatspi2.0-0',
  'libuuid1',
  'libsecret-1-0',
  'libasound2',
  'libgbm1',
];

export interface DistOptions {
  platform: DistPlatform;
  /** Where installed apps look for updates (CONVERSE_UPDATE_URL); null: builds that never update. */
  updateUrl: string | null;
}

export function converseBuildConfig({ platform, updateUrl }: DistOptions): Configuration {
  return {
    appId: APP_ID,
    productName: platform === 'linux' ? LINUX_NAME : PRODUCT_NAME,
    copyright: 'Copyright © Converse',
    directories: { output: 'release', buildResources: 'build-resources' },
    artifactName: '${name}-${version}-${arch}.${ext}',
    // The bundles and the assets (tray images are read at run time). electron-builder adds the
    // production dependencies' node_modules by itself; the renderer's packages are devDependencies
    // because vite bundles them. Sources, tests and source maps stay out.
    files: [
      'dist/main/**',
      'dist/preload/**',
      'dist/renderer/**',
      'assets/**',
      '!assets/render-icons.mjs',
      '!assets/render-sound.mjs',
      '!assets/*.md',
      '!**/*.map',
      'package.json',
      // The Node build of better-sqlite3 and its sources: the app loads the Electron build below.
      '!node_modules/better-sqlite3/{build,deps,src}/**',
      '!node_modules/better-sqlite3/binding.gyp',
    ],
    // The Electron-ABI better-sqlite3 made by `node scripts/electron-native.mjs` for the target, where
    // main/shell-policy/native-binding.ts looks for it (resources/native/), with the build-info.json
    // that main/native-sqlite.ts checks before opening a database through the nativeBinding option.
    extraResources: [{ from: 'native/electron', to: 'native', filter: [BINDING_FILE, BUILD_INFO_FILE] }],
    // A worker thread's script and a utility process's entry are loaded from the file system, not
    // from app.asar; better-sqlite3's JavaScript is unpacked beside them because a module in
    // app.asar.unpacked resolves its packages there.
    asarUnpack: [
      'dist/main/store-writer.mjs',
      'dist/main/embedded-server.mjs',
      'node_modules/better-sqlite3/package.json',
      'node_modules/better-sqlite3/lib/**',
    ],
    // Never rebuild node_modules: its better-sqlite3 is the Node build that npm test, npm run server
    // and npm run web load. The Electron build is made beside it (extraResources above).
    npmRebuild: false,
    nodeGypRebuild: false,
    buildDependenciesFromSource: false,
    electronFuses: {
      // The app never runs Electron as plain Node (the embedded server is a utility process).
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // The renderer is served from app://, never file://.
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    },
    // electron-updater reads this from resources/app-update.yml (main/auto-update.ts). The generic
    // provider is any HTTPS folder holding the installers and latest*.yml of `npm run dist`.
    publish: updateUrl ? [{ provider: 'generic', url: updateUrl }] : null,
    linux: {
      target: ['AppImage', 'deb'],
      category: 'Network;InstantMessaging',
      icon: 'assets/icons',
      executableName: LINUX_NAME,
      synopsis: 'Nudges and SMS/WhatsApp chat with leads',
      desktop: { entry: { Name: PRODUCT_NAME, StartupWMClass: PRODUCT_NAME } },
    },
    deb: {
      packageName: LINUX_NAME,
      depends: DEB_DEPENDS,
    },
    win: {
      target: ['nsis'],
      icon: 'assets/icons/256x256.png',
    },
    nsis: {
      artifactName: '${name}-setup-${version}.${ext}',
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: true,
    },
    mac: {
      // zip beside dmg: electron-updater (Squirrel.Mac) updates from the zip.
      target: ['dmg', 'zip'],
      icon: 'assets/icon.png',
      category: 'public.app-category.business',
      // Ready for a Developer ID (CSC_LINK, CSC_KEY_PASSWORD) and notarization (APPLE_API_KEY,
      // APPLE_API_KEY_ID, APPLE_API_ISSUER); without them the build is unsigned.
      hardenedRuntime: true,
      entitlements: 'build-resources/entitlements.mac.plist',
      entitlementsInherit: 'build-resources/entitlements.mac.plist',
    },
    dmg: { title: PRODUCT_NAME },
  };
}

/** scripts/dist.mjs names the platform; run by hand, electron-builder builds for the machine it is on. */
const distEnv = z.object({
  CONVERSE_DIST_PLATFORM: z.enum(['linux', 'mac', 'win']).optional(),
  CONVERSE_UPDATE_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ),
});
const HOST_PLATFORMS: Record<string, DistPlatform> = { linux: 'linux', darwin: 'mac', win32: 'win' };

export function distOptionsFromEnv(env: NodeJS.ProcessEnv, hostPlatform: string = process.platform): DistOptions {
  const parsed = distEnv.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `electron-builder.config.ts: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`,
    );
  const platform = parsed.data.CONVERSE_DIST_PLATFORM ?? HOST_PLATFORMS[hostPlatform];
  if (!platform)
    throw new Error(
      `electron-builder.config.ts: no installers for ${hostPlatform}; set CONVERSE_DIST_PLATFORM to linux, mac or win`,
    );
  return { platform, updateUrl: parsed.data.CONVERSE_UPDATE_URL ?? null };
}

export default converseBuildConfig(distOptionsFromEnv(process.env));
