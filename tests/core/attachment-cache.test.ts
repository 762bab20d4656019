import { AttachmentCache, type AttachmentFile } from '../../main/core/attachment-cache';

const file = (size: number): AttachmentFile => ({
  bytes: new Uint8Array(size),
  mimeType: 'image/png',
  fileName: 'a.png',
});

describe('attachment cache', () => {
  it('downloads a file once however many ask at the same time, then serves it from memory', async () => {
    const cache = new AttachmentCache(1000, 500);
    let downloads = 0;
    // The download stays under way until the test lets it finish, so both asks overlap for certain.
    let finish!: () => void;
    const underWay = new Promise<void>((r) => {
      finish = r;
    });
    const download = async () => {
      downloads++;
      await underWay;
      return file(100);
    };
    const both = Promise.all([cache.get('x', download), cache.get('x', download)]);
    finish();
    const [a, b] = await both;
    expect(a).toBe(b);
    await cache.get('x', download);
    expect(downloads).toBe(1);
  });

  it('stays under its size, dropping the least recently used first, and keeps no file above the per-file limit', async () => {
    const cache = new AttachmentCache(1000, 500);
    await cache.get('a', async () => file(400));
    await cache.get('b', async () => file(400));
    await cache.get('a', async () => file(400)); // a is now the most recent
    await cache.get('c', async () => file(400));
    expect(cache.bytes).toBeLessThanOrEqual(1000);
    let refetched = '';
    await cache.get('b', async () => {
      refetched += 'b';
      return file(400);
    });
    await cache.get('big', async () => file(600));
    expect(refetched).toBe('b');
    expect(cache.count).toBeLessThanOrEqual(2);
    let again = 0;
    await cache.get('big', async () => {
      again++;
      return file(600);
    });
    expect(again).toBe(1);
  });

  it('forgets everything (and any download under way) when cleared, and does not keep failures', async () => {
    const cache = new AttachmentCache();
    await expect(
      cache.get('x', async () => {
        throw new Error('offline');
      }),
    ).rejects.toThrow('offline');
    let n = 0;
    await cache.get('x', async () => {
      n++;
      return file(10);
    });
    let finish!: () => void;
    const underWay = new Promise<void>((r) => {
      finish = r;
    });
    const slow = cache.get('y', async () => {
      await underWay;
      return file(10);
    });
    cache.clear(); // while the download of y is still under way
    finish();
    await slow;
    expect(cache.count).toBe(0);
    await cache.get('x', async () => {
      n++;
      return file(10);
    });
    expect(n).toBe(2);
  });
});
