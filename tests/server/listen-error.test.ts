// startServer's listen failure keeps the error's code: the Electron shell's embedded server tells
// "port taken" (EADDRINUSE → use a free port) from every other failure by it.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../../server/app';

it('rejects with code EADDRINUSE when its port is taken', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  try {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-listen-'));
    await expect(startServer({ dataDir, port, host: '127.0.0.1', log: false })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      message: expect.stringContaining(`Cannot listen on 127.0.0.1:${port}`),
    });
  } finally {
    holder.close();
  }
});
