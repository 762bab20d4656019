// Attachment upload, streamed: the size limit is enforced while the bytes arrive, the type is
// sniffed from the first bytes (never the name or the claimed Content-Type), and the file is
// checked against the channel's connector policy, and the user's unsent uploads must stay within
// their quota. A refused upload's remaining bytes are read and dropped (up to a bound) so the
// client can finish sending and read the refusal, instead of a connection reset.
// Download checks who may see it.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Channel } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import {
  ATTACHMENT_POLICIES,
  BLOCKED_FILE_TEXT,
  checkAttachment,
  type AttachmentCheck,
  type AttachmentPolicy,
  type ConnectorName,
} from '../../shared/attachment-policy';
import { leadFileName, plainFileName } from '../../shared/file-name';
import { sniffMimeType, svgCarriesScript } from '../channels/sniff';
import { attachmentView } from '../domain/views';
import { requireAttachmentAccess } from '../domain/access';
import { contentDisposition, safeFileName } from '../attachments/files';
import { quotaRefusal } from '../attachments/unsent-uploads';
import { ApiFailure, notFound, parse } from './errors';
import { requireUser, type ApiContext } from './context';

const SNIFF_BYTES = 4100;
/** How much of a refused body is read and dropped before the connection is cut instead. */
const DRAIN_BYTES = 64 * 1024 * 1024;

export function attachmentRoutes(app: FastifyInstance, ctx: ApiContext) {
  app.register(async (scope) => {
    // The body is read as a stream by the handler, whatever its type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.post('/attachments', (req, reply) => upload(ctx, req, reply));
  });

  app.get('/attachments/:id', async (req, reply) => {
    const { user } = await requireUser(ctx, req);
    const { id } = parse(z.object({ id: z.string().max(100) }), req.params, 'attachment id');
    let a = await ctx.store.getAttachment(id);
    if (!a) throw notFound('This attachment');
    await requireAttachmentAccess(ctx.store, user, a);
    // A lead's file the provider would not hand over yet: asking for it is the on-demand retry.
    if (a.unfetched) {
      if (!(await ctx.fetchInboundMedia?.(a.id)))
        throw new ApiFailure(
          503,
          ErrorCode.MEDIA_UNAVAILABLE,
          'The provider has not handed this file over yet; it is fetched again automatically. Try again later.',
        );
      a = (await ctx.store.getAttachment(id))!;
    }
    // Kept in the conversation, never served: not to a rep, an admin or a preview (attachment policy).
    if (a.blocked) throw new ApiFailure(403, ErrorCode.ATTACHMENT_BLOCKED, BLOCKED_FILE_TEXT[a.blocked]);
    reply.header('content-type', a.mimeType);
    reply.header('content-length', String(a.size));
    reply.header('content-disposition', contentDisposition(leadFileName(a.fileName, a.mimeType)));
    // Never rendered as a page by a browser (an SVG could carry script).
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', "default-src 'none'; sandbox");
    reply.header('cache-control', 'private, max-age=3600');
    return reply.send(createReadStream(a.path));
  });
}

/** What an upload is for: its file name (made safe) and the channel's connector policy. */
interface UploadTarget {
  fileName: string;
  connector: ConnectorName;
  policy: AttachmentPolicy;
}

function uploadTarget(ctx: ApiContext, req: FastifyRequest): UploadTarget {
  const q = parse(z.object({ channel: Channel }), req.query, 'query');
  const rawName = req.headers['x-file-name'];
  let fileName = '';
  try {
    fileName = decodeURIComponent(String(Array.isArray(rawName) ? rawName[0] : (rawName ?? '')));
  } catch {
    throw new ApiFailure(400, ErrorCode.INVALID_REQUEST, 'X-File-Name must be URI-encoded.');
  }
  fileName = safeFileName(plainFileName(fileName));
  if (!fileName)
    throw new ApiFailure(400, ErrorCode.INVALID_REQUEST, 'Send the file name in the X-File-Name header (URI-encoded).');
  const connector = ctx.connectors.forChannel(q.channel);
  if (!connector)
    throw new ApiFailure(
      409,
      ErrorCode.CHANNEL_NOT_CONFIGURED,
      `No ${q.channel} connector is configured for this workspace.`,
    );
  return { fileName, connector: connector.name, policy: ATTACHMENT_POLICIES[connector.name] };
}

const tooLargeFor = (policy: AttachmentPolicy) =>
  new ApiFailure(
    413,
    ErrorCode.ATTACHMENT_TOO_LARGE,
    `This file is larger than ${policy.label} accepts (${Math.round((policy.maxBytes / 1024 / 1024) * 10) / 10} MB at most).`,
  );

/** What arrived: its size, its first bytes (for sniffing), the type sniffed so far, and why it was cut short. */
interface Received {
  size: number;
  head: Buffer[];
  sniffed: string | null | undefined;
  failure: ApiFailure | null;
}

/**
 * Streams the body into `out`, stopping at the first refusal: past the size limit (the
 * connector's largest until the type is known, then that type's own), past the quota, or a type
 * the connector does not take once the first bytes are sniffed.
 */
async function receive(
  req: FastifyRequest,
  out: WriteStream,
  t: UploadTarget,
  quotaLeft: number,
  overQuota: (size: number) => ApiFailure | null,
): Promise<Received> {
  const r: Received = { size: 0, head: [], sniffed: undefined, failure: null };
  let headSize = 0;
  let limit = t.policy.maxBytes;
  // Leaving this loop early must not destroy the request: the refusal still has to be answered.
  for await (const chunk of req.raw.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    r.size += chunk.length;
    if (r.size > limit) {
      const check = r.sniffed ? checkAttachment(t.connector, r.sniffed, r.size) : null;
      return {
        ...r,
        failure: check && !check.ok ? new ApiFailure(413, check.code, check.message) : tooLargeFor(t.policy),
      };
    }
    if (r.size > quotaLeft) return { ...r, failure: overQuota(r.size) };
    if (r.sniffed === undefined) {
      r.head.push(chunk);
      headSize += chunk.length;
      if (headSize >= SNIFF_BYTES) {
        r.sniffed = await sniffMimeType(Buffer.concat(r.head), t.fileName);
        const early = checkAttachment(t.connector, r.sniffed ?? '', 0);
        if (!early.ok) return { ...r, failure: new ApiFailure(415, early.code, early.message) };
        limit = t.policy.types.find((x) => x.mimeType === early.mimeType)?.maxBytes ?? limit;
      }
    }
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  return r;
}

/** The checks once every byte is in: not empty, a type the connector takes within its limit, no SVG with script, still within the quota. */
async function verdictOf(
  t: UploadTarget,
  r: Received,
  tmp: string,
  overQuotaNow: () => Promise<ApiFailure | null>,
): Promise<ApiFailure | Extract<AttachmentCheck, { ok: true }>> {
  if (r.size === 0) return new ApiFailure(400, ErrorCode.INVALID_REQUEST, 'The file is empty.');
  const sniffed = r.sniffed === undefined ? await sniffMimeType(Buffer.concat(r.head), t.fileName) : r.sniffed;
  const check = checkAttachment(t.connector, sniffed ?? '', r.size);
  if (!check.ok)
    return new ApiFailure(check.code === ErrorCode.ATTACHMENT_TOO_LARGE ? 413 : 415, check.code, check.message);
  // The rule for files from leads holds for uploads too: an SVG that carries script goes to no one.
  if (check.mimeType === 'image/svg+xml' && svgCarriesScript(await readFile(tmp))) {
    return new ApiFailure(
      415,
      ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
      'This SVG carries script, which could run code where it is opened; send it as PNG or JPEG.',
    );
  }
  // Counted again: another upload of this user may have finished meanwhile.
  return (await overQuotaNow()) ?? check;
}

async function upload(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply) {
  const { user } = await requireUser(ctx, req);
  const target = uploadTarget(ctx, req);
  const declared = Number(req.headers['content-length'] ?? NaN);
  const usage = await ctx.store.unsentUploads(user.id);
  const overQuota = (adding: number, current = usage) => {
    const r = quotaRefusal(current, ctx.uploads, adding);
    return r ? new ApiFailure(r.status, r.code, r.message) : null;
  };
  const refusedAtOnce =
    Number.isFinite(declared) && declared > target.policy.maxBytes
      ? tooLargeFor(target.policy)
      : overQuota(Number.isFinite(declared) ? declared : 0);
  if (refusedAtOnce) {
    drainRefused(req.raw);
    throw refusedAtOnce;
  }

  const id = ctx.files.newId();
  const tmp = ctx.files.tempPathOf(id);
  const out = createWriteStream(tmp);
  let failure: ApiFailure | null;
  try {
    const received = await receive(req, out, target, ctx.uploads.quotaBytes - usage.bytes, overQuota);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    failure = received.failure;
    if (!failure) {
      const verdict = await verdictOf(target, received, tmp, async () =>
        overQuota(received.size, await ctx.store.unsentUploads(user.id)),
      );
      if (!(verdict instanceof ApiFailure)) {
        const path = await ctx.files.commit(id);
        const rec = await ctx.store.createAttachment(
          {
            id,
            fileName: target.fileName,
            mimeType: verdict.mimeType,
            size: received.size,
            kind: verdict.kind,
            path,
            uploadedBy: user.id,
          },
          ctx.now().toISOString(),
        );
        return reply.send(attachmentView(rec));
      }
      failure = verdict;
    }
  } catch (err) {
    out.destroy();
    await ctx.files.discard(id);
    drainRefused(req.raw);
    if (err instanceof ApiFailure) throw err;
    throw new ApiFailure(400, ErrorCode.INVALID_REQUEST, 'The upload was interrupted.');
  }
  await ctx.files.discard(id);
  drainRefused(req.raw);
  throw failure!;
}

/**
 * Read and drop what is left of a refused body, so the client finishes sending and reads the
 * answer; closing with bytes unread would reset the connection and lose the answer. Past
 * DRAIN_BYTES the connection is cut: the client was told, and is not owed the bandwidth.
 */
function drainRefused(raw: IncomingMessage): void {
  if (raw.complete) return;
  let drained = 0;
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) {
      raw.off('data', onData);
      raw.socket?.destroy();
    }
  };
  raw.on('data', onData);
  raw.resume();
}
