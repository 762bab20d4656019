// The installers' configuration, checked with electron-builder's own code where it has some (its
// schema validation, its deb defaults and metadata check, its file matchers, its Linux naming),
// so these tests follow electron-builder when it changes. Nothing here downloads or packages.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import {
  converseBuildConfig,
  distOptionsFromEnv,
  LINUX_NAME,
  PRODUCT_NAME,
  type DistPlatform,
} from '../../electron-builder.config';
import { appPaths } from '../../main/app-paths';
import { BINDING_FILE, electronBindingDir } from '../../main/shell-policy/native-binding';
import { MIN_PACKAGING_NODE } from '../../scripts/dist.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const { DebugLogger } = require('builder-util');
const FpmTarget = require('app-builder-lib/out/targets/FpmTarget.js').default;
const { AppInfo } = require('app-builder-lib/out/appInfo.js');
const { installPrefix } = require('app-builder-lib/out/targets/LinuxTargetHelper.js');
const { FileMatcher, getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher.js');
const semver = require('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(v: string, range: string): boolean;
};
const plist = require('plist') as { parse(xml: string): unknown };

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
};
const UPDATE_URL = 'https://updates.converse.example/desktop/';
const PLATFORMS: DistPlatform[] = ['linux', 'mac', 'win'];
const configFor = (platform: DistPlatform, updateUrl: string | null = UPDATE_URL): Configuration =>
  converseBuildConfig({ platform, updateUrl });
const linux = configFor('linux');

/** electron-builder's AppInfo for a platform: the names it gives files, folders and packages. */
function appInfoFor(config: Configuration, platformOptions: unknown) {
  const metadata = { ...pkg, ...config.extraMetadata };
  return new AppInfo(
    { config, metadata, devMetadata: pkg, repositoryInfo: Promise.resolve(null) },
    null,
    platformOptions,
  );
}

const fileStat = { isDirectory: () => false, isFile: () => true };
/** Whether electron-builder copies a project file into the app, by its own `files` matcher. */
function shipsAppFile(config: Configuration, rel: string): boolean {
  const matcher = new FileMatcher(root, root, (s: string) => s, config.files);
  return matcher.createFilter()(path.join(root, rel), fileStat);
}
/** Whether electron-builder copies a file of an installed package, by its node_modules matcher. */
function shipsModuleFile(config: Configuration, rel: string): boolean {
  const matcher = getNodeModuleFileMatcher(
    root,
    root,
    (s: string) => s,
    {},
    { config, debugLogger: new DebugLogger(false) },
  );
  return matcher.createFilter()(path.join(root, rel), { ...fileStat, moduleFullFilePath: rel });
}
function unpacked(config: Configuration, rel: string): boolean {
  const matcher = new FileMatcher(root, root, (s: string) => s, config.asarUnpack);
  return matcher.createFilter()(path.join(root, rel), fileStat);
}

describe('the installers configuration (electron-builder.config.ts)', () => {
  it.each(PLATFORMS)(
    "is accepted by electron-builder %s's schema validation, with and without an update URL",
    async (platform) => {
      for (const updateUrl of [UPDATE_URL, null]) {
        await expect(
          validateConfiguration(configFor(platform, updateUrl), new DebugLogger(false)),
        ).resolves.toBeUndefined();
      }
    },
  );

  it('is rejected by that validation when an option is misspelt (the check is real)', async () => {
    const bad = { ...linux, electronFuses: { ...linux.electronFuses, runAsNod: false } };
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('is the configuration electron-builder loads from the file npm run dist names', async () => {
    const loaded = await getConfig(root, 'electron-builder.config.ts', null);
    const { files, ...rest } = JSON.parse(JSON.stringify(converseBuildConfig(distOptionsFromEnv(process.env))));
    expect(loaded).toMatchObject(rest);
    // electron-builder keeps the `files` patterns as one file set.
    expect(loaded.files).toEqual([{ filter: files }]);
  });

  it('refuses a platform or update URL it cannot use, naming the variable', () => {
    expect(() => distOptionsFromEnv({ CONVERSE_DIST_PLATFORM: 'beos' })).toThrow(/CONVERSE_DIST_PLATFORM/);
    expect(() => distOptionsFromEnv({ CONVERSE_UPDATE_URL: 'ftp://updates.example/' })).toThrow(/CONVERSE_UPDATE_URL/);
    expect(distOptionsFromEnv({ CONVERSE_DIST_PLATFORM: 'mac', CONVERSE_UPDATE_URL: ` ${UPDATE_URL} ` })).toEqual({
      platform: 'mac',
      updateUrl: UPDATE_URL,
    });
    expect(distOptionsFromEnv({ CONVERSE_UPDATE_URL: '' }, 'linux')).toEqual({ platform: 'linux', updateUrl: null });
  });
});

describe('the deb package', () => {
  it("depends on electron-builder's default packages and on what Electron also needs", () => {
    const defaults: string[] = FpmTarget.prototype.getDefaultDepends('deb');
    expect(defaults).toContain('libgtk-3-0'); // electron-builder still keeps the list where this test reads it
    expect(linux.deb?.depends).toEqual(
      expect.arrayContaining([...defaults, 'libnotify4', 'libsecret-1-0', 'libasound2', 'libgbm1']),
    );
  });

  it("passes electron-builder's maintainer and homepage check (author email, homepage)", async () => {
    const appInfo = appInfoFor(linux, linux.linux);
    const packager = { appInfo, info: { metadata: { ...pkg } } };
    const meta = await FpmTarget.prototype.computeFpmMetaInfoOptions.call({ packager, options: linux.deb });
    expect(meta.maintainer).toBe(`${pkg.author.name} <${pkg.author.email}>`);
    expect(meta.url).toBe(pkg.homepage);
    expect(meta.name).toBe(LINUX_NAME);
    // Without the email, electron-builder refuses, as it did before the author had one.
    const noEmail = { appInfo, info: { metadata: { ...pkg, author: { name: pkg.author.name } } } };
    await expect(
      FpmTarget.prototype.computeFpmMetaInfoOptions.call({ packager: noEmail, options: linux.deb }),
    ).rejects.toThrow(/email/i);
  });
});

describe('Linux names', () => {
  it('have no space: executable, package, .desktop file and the /opt folder', () => {
    const appInfo = appInfoFor(linux, linux.linux);
    const names = {
      executable: appInfo.productFilename,
      package: linux.deb?.packageName ?? appInfo.linuxPackageName,
      desktopFile: `${linux.linux?.executableName}.desktop`,
      installDir: `${installPrefix}/${appInfo.sanitizedProductName}`,
      artifact: String(linux.artifactName),
    };
    for (const [what, name] of Object.entries(names)) expect(name, what).not.toMatch(/\s/);
    expect(names.installDir).toBe(`/opt/${LINUX_NAME}`);
  });

  it('still show the product name in menus, and macOS and Windows keep it', () => {
    expect(linux.linux?.desktop?.entry?.Name).toBe(PRODUCT_NAME);
    expect(appInfoFor(configFor('mac'), configFor('mac').mac).productFilename).toBe(PRODUCT_NAME);
    expect(appInfoFor(configFor('win'), configFor('win').win).productFilename).toBe(PRODUCT_NAME);
    expect(pkg.productName).toBe(PRODUCT_NAME);
  });
});

describe('what the app ships', () => {
  it.each(PLATFORMS)('sets the Electron fuses (%s)', (platform) => {
    expect(configFor(platform).electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('never rebuilds node_modules in place', () => {
    for (const p of PLATFORMS) {
      expect(configFor(p)).toMatchObject({ npmRebuild: false, nodeGypRebuild: false });
      expect(configFor(p).buildDependenciesFromSource).not.toBe(true);
    }
  });

  it('ships the Electron build of better-sqlite3 where the app looks for it, and not the Node build', () => {
    const resourcesPath = '/installed/resources';
    const [extra] = linux.extraResources as Array<{ from: string; to: string; filter: string[] }>;
    expect(path.resolve(root, extra.from)).toBe(
      electronBindingDir({ isPackaged: false, resourcesPath, appPath: root }),
    );
    expect(path.join(resourcesPath, extra.to)).toBe(
      electronBindingDir({ isPackaged: true, resourcesPath, appPath: root }),
    );
    expect(extra.filter).toContain(BINDING_FILE);

    expect(shipsModuleFile(linux, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(false);
    expect(shipsModuleFile(linux, 'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
    expect(shipsModuleFile(linux, 'node_modules/better-sqlite3/src/better_sqlite3.cpp')).toBe(false);
    expect(shipsModuleFile(linux, 'node_modules/better-sqlite3/lib/database.js')).toBe(true);
    expect(shipsModuleFile(linux, 'node_modules/zod/package.json')).toBe(true);
  });

  it('ships the bundles and assets, not source maps or the icon script', () => {
    for (const f of [
      'dist/main/electron-main.js',
      'dist/preload/electron-preload.cjs',
      'dist/renderer/index.html',
      'assets/tray/tray-0.png',
      'package.json',
    ]) {
      expect(shipsAppFile(linux, f), f).toBe(true);
    }
    for (const f of [
      'dist/main/electron-main.js.map',
      'assets/render-icons.mjs',
      'main/electron-main.ts',
      'tests/setup.ts',
    ]) {
      expect(shipsAppFile(linux, f), f).toBe(false);
    }
  });

  it('unpacks what runs outside app.asar: the writer thread, the embedded server and the SQLite JavaScript they load', () => {
    // appPaths names the bundle the app forks; the app finds it beside electron-main.js in dist/main.
    const entries = [
      'dist/main/store-writer.mjs',
      `dist/main/${path.basename(appPaths.embeddedServer)}`,
      'node_modules/better-sqlite3/lib/database.js',
    ];
    for (const f of entries) expect(unpacked(linux, f), f).toBe(true);
    expect(unpacked(linux, 'dist/main/electron-main.js')).toBe(false);
  });
});

describe('dependencies', () => {
  const renderOnly = [
    'react',
    'react-dom',
    'recharts',
    'emoji-picker-react',
    '@tanstack/react-virtual',
    'i18next',
    'react-i18next',
    'zustand',
  ];

  it("keeps the renderer's packages out of the installed app (vite bundles them)", () => {
    for (const name of renderOnly) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.devDependencies[name], name).toBeDefined();
      // Not pulled into production by another package either.
      expect(lock.packages[`node_modules/${name}`]?.dev, name).toBe(true);
    }
  });

  it('lists every package the main-process bundles load, and node-notifier only if they load it', async () => {
    // The entries of scripts/build.mjs that run in the app's main, worker and utility processes.
    const entries = [
      'main/electron-main.ts',
      'main/core/store/writer-worker.ts',
      'main/embedded-server-process.ts',
    ].map((e) => path.join(root, e));
    const result = await build({
      entryPoints: entries,
      bundle: true,
      write: false,
      outdir: path.join(root, 'dist/packaging-test'),
      platform: 'node',
      format: 'esm',
      packages: 'external',
      external: ['electron'],
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: root,
    });
    const loaded = new Set<string>();
    for (const out of Object.values(result.metafile.outputs)) {
      for (const i of out.imports) {
        if (!i.external || i.path.startsWith('node:') || i.path === 'electron') continue;
        loaded.add(i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0]);
      }
    }
    expect(loaded.size).toBeGreaterThan(3);
    for (const name of loaded) expect(pkg.dependencies[name], `${name} is loaded by the app`).toBeDefined();
    expect(Boolean(pkg.dependencies['node-notifier'])).toBe(loaded.has('node-notifier'));
    expect(pkg.dependencies['electron-updater']).toBeDefined();
  });
});

describe('macOS signing', () => {
  it('uses the hardened runtime with entitlements files that exist and are valid plists', () => {
    const mac = configFor('mac').mac!;
    expect(mac.hardenedRuntime).toBe(true);
    for (const file of [mac.entitlements, mac.entitlementsInherit]) {
      expect(file).toBeTruthy();
      const full = path.join(root, String(file));
      expect(existsSync(full), String(file)).toBe(true);
      const parsed = plist.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
      expect(parsed['com.apple.security.cs.allow-jit']).toBe(true);
      for (const [key, value] of Object.entries(parsed)) {
        expect(key).toMatch(/^com\.apple\.security\./);
        expect(value).toBe(true);
      }
    }
  });
});

describe('auto-update', () => {
  it("publishes to the generic provider at the operator's URL, and not at all without one", () => {
    for (const p of PLATFORMS) {
      expect(configFor(p).publish).toEqual([{ provider: 'generic', url: UPDATE_URL }]);
      expect(configFor(p, null).publish).toBeNull();
    }
    // Squirrel.Mac updates from the zip.
    expect(configFor('mac').mac?.target).toEqual(expect.arrayContaining(['dmg', 'zip']));
  });
});

describe('the Node each step needs', () => {
  type LockEntry = (typeof lock.packages)[string] & {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const enginesOf = (entry: LockEntry) => (Array.isArray(entry.engines) ? undefined : entry.engines?.node);
  // The lock also lists optional packages for other machines (wasm fallbacks); what is on disk counts.
  const onDisk = (key: string) => existsSync(path.join(root, key, 'package.json'));
  const installed = Object.entries(lock.packages).filter(
    ([key, entry]) => key !== '' && enginesOf(entry) && onDisk(key),
  );

  /** A package's lock key as Node resolves `name` from the package at lock key `from`. */
  function resolveIn(from: string, name: string): string | null {
    for (
      let dir = from;
      ;
      dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : ''
    ) {
      const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (lock.packages[key]) return key;
      if (!dir) return null;
    }
  }
  /** electron-builder and every package it loads, as installed. */
  function electronBuilderTree(): Set<string> {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key) || !onDisk(key)) return;
      seen.add(key);
      const entry = lock.packages[key] as LockEntry;
      for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
        const dep = resolveIn(key, name);
        if (dep) visit(dep);
      }
    };
    visit('node_modules/electron-builder');
    return seen;
  }

  it('npm run dist asks for a Node that electron-builder and everything it loads accept, and not less', () => {
    const tree = electronBuilderTree();
    expect(tree.has('node_modules/app-builder-lib')).toBe(true);
    const declared = [...tree].map((key) => [key, enginesOf(lock.packages[key])] as const).filter(([, range]) => range);
    for (const [key, range] of declared)
      expect(semver.satisfies(MIN_PACKAGING_NODE, range!), `${key} (${range})`).toBe(true);
    const below = MIN_PACKAGING_NODE.replace(
      /^(\d+)\.(\d+)\.\d+$/,
      (_m: string, major: string, minor: string) => `${major}.${Number(minor) - 1}.99`,
    );
    expect(
      declared.some(([, range]) => !semver.satisfies(below, range!)),
      `something in electron-builder's tree refuses ${below}`,
    ).toBe(true);
  });

  it("the README names the packages that refuse engines.node's Node, and a Node that every package accepts", () => {
    const floor = semver.minVersion(pkg.engines.node)!.version;
    const refusing = installed
      .filter(([, entry]) => !semver.satisfies(floor, enginesOf(entry)!))
      .map(([key]) => key.replace(/^.*node_modules\//, ''));
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const packaging = readme.slice(readme.indexOf('## Packaging'));
    expect(packaging.length).toBeLessThan(readme.length);
    for (const name of refusing) expect(packaging, `README "Packaging" names ${name}`).toContain(`\`${name}\``);
    expect(packaging.replace(/\s+/g, ' ')).toContain(`Node ${MIN_PACKAGING_NODE.replace(/\.0$/, '')}`);
    // The README's advice for one Node for every step.
    const everyStep = /one\s+Node\s+for\s+every\s+step:\s+(\d+\.\d+)/.exec(packaging)?.[1];
    expect(everyStep).toBeDefined();
    for (const [key, entry] of installed) expect(semver.satisfies(`${everyStep}.0`, enginesOf(entry)!), key).toBe(true);
  });
});
