// What every route needs, passed explicitly (no globals), and the auth guard.
import type { FastifyRequest } from 'fastify';
import { ErrorCode } from '../../shared/error-codes';
import type { Store, UserRecord } from '../storage/store';
import { bearerToken, type Sessions } from '../auth/sessions';
import type { Publisher } from '../domain/publisher';
import type { Workspace } from '../domain/workspace';
import type { SendPipeline, ConnectorSet } from '../messaging/send-pipeline';
import type { AttachmentFiles } from '../attachments/files';
import type { SandboxConnector } from '../channels/sandbox';
import type { SignInLimitOptions } from '../auth/sign-in-limits';
import type { UploadRules } from '../attachments/unsent-uploads';
import { ApiFailure } from './errors';

export interface ApiContext {
  store: Store;
  sessions: Sessions;
  publisher: Publisher;
  workspace: Workspace;
  sends: SendPipeline;
  files: AttachmentFiles;
  connectors: ConnectorSet;
  /** The sandbox connectors in use, for POST /sandbox/inbound. */
  sandbox: { sms: SandboxConnector | null; whatsapp: SandboxConnector | null };
  now: () => Date;
  revokeSessions(ids: string[]): void;
  /** Tuning of the sign-in limits (tests); defaults otherwise. */
  signInLimits?: Partial<Omit<SignInLimitOptions, 'now'>>;
  /** How long unsent uploads are kept and how much of them one user may hold. */
  uploads: UploadRules;
  /** Fetch a lead's file the provider would not hand over before (channel-sink.ts); resolves to whether it is here now. */
  fetchInboundMedia?(attachmentId: string): Promise<boolean>;
}

export interface Caller {
  user: UserRecord;
  sessionId: string;
}

export async function requireUser(ctx: ApiContext, req: FastifyRequest): Promise<Caller> {
  const auth = await ctx.sessions.authenticate(bearerToken(req.headers.authorization));
  if (!auth || 'revoked' in auth)
    throw new ApiFailure(
      401,
      ErrorCode.UNAUTHORIZED,
      'Sign in again: the token is missing, invalid, expired or signed out.',
    );
  return { user: auth.user, sessionId: auth.session.id };
}

export async function requireAdmin(ctx: ApiContext, req: FastifyRequest): Promise<Caller> {
  const caller = await requireUser(ctx, req);
  if (caller.user.role !== 'admin') throw new ApiFailure(403, ErrorCode.FORBIDDEN, 'Only admins may do this.');
  return caller;
}
