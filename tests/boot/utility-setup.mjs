// `node --import` for a utility process started by the electron stand-in: process.parentPort as
// Electron gives it (message events carry `data`), process.versions.electron, and a record of
// the native modules it loads.
import { EventEmitter } from 'node:events';

Object.defineProperty(process.versions, 'electron', {
  value: process.env.STAND_IN_ELECTRON_VERSION ?? '41.7.1',
  enumerable: true,
});
process.type = 'utility';
const parentPort = new EventEmitter();
parentPort.postMessage = (message) => process.send?.(message);
process.on('message', (data) => parentPort.emit('message', { data, ports: [] }));
process.parentPort = parentPort;
const dlopen = process.dlopen;
process.dlopen = function recordedDlopen(module, filename, ...rest) {
  process.send?.({
    t: 'rec',
    entry: { name: 'process.dlopen', detail: { filename, process: 'utility' }, ready: true, at: Date.now() },
  });
  return dlopen.call(this, module, filename, ...rest);
};
