// `node --import` for the booted main bundle: what Electron's main process has that Node lacks.
// Also records every native module the process loads, so the test sees which SQLite build it is.
Object.defineProperty(process.versions, 'electron', {
  value: process.env.STAND_IN_ELECTRON_VERSION ?? '41.7.1',
  enumerable: true,
});
process.type = 'browser';
process.resourcesPath = process.env.STAND_IN_RESOURCES_PATH;
const dlopen = process.dlopen;
process.dlopen = function recordedDlopen(module, filename, ...rest) {
  process.send?.({
    t: 'rec',
    entry: { name: 'process.dlopen', detail: { filename, process: 'main' }, ready: true, at: Date.now() },
  });
  return dlopen.call(this, module, filename, ...rest);
};
