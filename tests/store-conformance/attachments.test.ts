// Attachments: uploads and their quota, unsent uploads cleaned up, and inbound files that could
// not be downloaded yet, fetched again until they arrive or the retries run out.
import { expect, it } from 'vitest';
import type { AttachmentRecord, Store } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, inboundFrom, makeLead, makeUser, outboundTo, unique } from './fixtures';

const upload = (uploadedBy: string | null, size: number): Omit<AttachmentRecord, 'createdAt'> => {
  const id = unique('att');
  return {
    id,
    fileName: `${id}.pdf`,
    mimeType: 'application/pdf',
    size,
    kind: 'document',
    path: `files/${id}`,
    uploadedBy,
  };
};

async function unfetched(store: Store, nextSecond: number | null) {
  const id = unique('att');
  return store.createUnfetchedAttachment(
    { id, fileName: 'photo.jpg', mimeType: 'image/jpeg', kind: 'image', uploadedBy: null },
    { provider: 'whatsapp', ref: `media-${id}` },
    nextSecond === null ? null : at(nextSecond),
    at(0),
  );
}

forEachStore('attachments', (s) => {
  it('keeps an upload and reads it back offered and fetched', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const a = upload(rep.id, 1234);
    expect(await store.createAttachment(a, at(1))).toEqual({ ...a, createdAt: at(1) });
    expect(await store.getAttachment(a.id)).toEqual({ ...a, createdAt: at(1), blocked: null, unfetched: null });
    const risky = { ...upload(null, 10), blocked: 'executable' as const };
    await store.createAttachment(risky, at(2));
    expect((await store.getAttachment(risky.id))!.blocked).toBe('executable');
    expect(await store.getAttachment('att_nobody')).toBeNull();
  });

  it('counts a user’s uploads not yet on a message against the quota', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    expect(await store.unsentUploads(rep.id)).toEqual({ count: 0, bytes: 0 });
    const [big, small] = [upload(rep.id, 1000), upload(rep.id, 24)];
    await store.createAttachment(big, at());
    await store.createAttachment(small, at());
    expect(await store.unsentUploads(rep.id)).toEqual({ count: 2, bytes: 1024 });
    const { message } = await store.createOutbound(outboundTo(lead, rep, { body: '', attachmentId: big.id }));
    expect(message.attachment).toEqual({ ...big, createdAt: at(), blocked: null, unfetched: null });
    expect(await store.unsentUploads(rep.id)).toEqual({ count: 1, bytes: 24 });
    expect(await store.attachmentLeadIds(big.id)).toEqual([lead.id]);
    expect(await store.attachmentLeadIds(small.id)).toEqual([]);
  });

  it('deletes old unsent uploads, oldest first, never one on a message or from a lead', async () => {
    const store = await s.freshStore();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const [oldest, old, sent, fromLead, fresh] = [
      upload(rep.id, 1),
      upload(rep.id, 1),
      upload(rep.id, 1),
      upload(null, 1),
      upload(rep.id, 1),
    ];
    await store.createAttachment(oldest, at(1));
    await store.createAttachment(old, at(2));
    await store.createAttachment(sent, at(0));
    await store.createAttachment(fromLead, at(0));
    await store.createAttachment(fresh, at(100));
    await store.createOutbound(outboundTo(lead, rep, { attachmentId: sent.id }));
    expect(await store.deleteUnsentUploads(at(50), 1)).toEqual([{ id: oldest.id, path: oldest.path }]);
    expect(await store.deleteUnsentUploads(at(50), 10)).toEqual([{ id: old.id, path: old.path }]);
    expect(await store.deleteUnsentUploads(at(50), 10)).toEqual([]);
    expect(await store.getAttachment(oldest.id)).toBeNull();
    expect(await store.getAttachment(sent.id)).toEqual(expect.objectContaining({ id: sent.id }));
    expect(await store.getAttachment(fromLead.id)).toEqual(expect.objectContaining({ id: fromLead.id }));
    expect(await store.getAttachment(fresh.id)).toEqual(expect.objectContaining({ id: fresh.id }));
  });

  it('keeps an inbound file it could not download, with where to fetch it and when', async () => {
    const store = s.store();
    const a = await unfetched(store, 60);
    expect(a).toEqual({
      id: a.id,
      fileName: 'photo.jpg',
      mimeType: 'image/jpeg',
      size: 0,
      kind: 'image',
      path: '',
      uploadedBy: null,
      createdAt: at(0),
      blocked: null,
      unfetched: { source: { provider: 'whatsapp', ref: `media-${a.id}` }, attempts: 1, nextFetchAt: at(60) },
    });
    expect(await store.getAttachment(a.id)).toEqual(a);
  });

  it('counts failed fetches until the file arrives, telling the messages that carry it', async () => {
    const store = await s.freshStore();
    const lead = await makeLead(store, null);
    const later = await unfetched(store, 120);
    const a = await unfetched(store, 60);
    const gaveUp = await unfetched(store, null);
    const { message } = await store.createInbound(inboundFrom(lead, { body: '', attachmentId: a.id }));
    expect(message.attachment).toEqual(a);
    expect(await store.unfetchedAttachments()).toEqual([a, later]);
    const retried = { ...a, unfetched: { ...a.unfetched!, attempts: 2, nextFetchAt: at(300) } };
    expect(await store.recordFetchFailure(a.id, at(300))).toEqual([{ ...message, attachment: retried }]);
    expect(await store.unfetchedAttachments()).toEqual([later, retried]);
    const file = {
      fileName: 'IMG_1.jpg',
      mimeType: 'image/jpeg',
      size: 2048,
      kind: 'image' as const,
      path: `files/${a.id}`,
    };
    const done = { ...a, ...file, blocked: null, unfetched: null };
    expect(await store.completeFetch(a.id, file)).toEqual([{ ...message, attachment: done }]);
    expect(await store.getAttachment(a.id)).toEqual(done);
    expect(await store.unfetchedAttachments()).toEqual([later]);
    // A late failure report for a file that arrived changes nothing.
    await store.recordFetchFailure(a.id, at(900));
    expect(await store.getAttachment(a.id)).toEqual(done);
    // Out of automatic retries: kept, no longer swept.
    expect((await store.recordFetchFailure(later.id, null)).length).toBe(0);
    expect(await store.unfetchedAttachments()).toEqual([]);
    expect((await store.getAttachment(later.id))!.unfetched).toEqual({
      ...later.unfetched,
      attempts: 2,
      nextFetchAt: null,
    });
    expect((await store.getAttachment(gaveUp.id))!.unfetched!.nextFetchAt).toBeNull();
  });

  it('keeps an arrived file blocked when the policy says so', async () => {
    const store = s.store();
    const a = await unfetched(store, 60);
    const file = {
      fileName: 'run.exe',
      mimeType: 'application/x-msdownload',
      size: 9,
      kind: 'document' as const,
      path: 'files/x',
      blocked: 'executable' as const,
    };
    await store.completeFetch(a.id, file);
    expect(await store.getAttachment(a.id)).toEqual({ ...a, ...file, unfetched: null });
  });
});
