// The API a desktop uses: sign-in, me, lead search and details, messages, templates, nudges,
// usage reports, and the sandbox's "make the lead reply".
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Channel, NudgeSettings, type ActivityPage } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import type { UsageReport } from '../../shared/ipc';
import { templateOffered } from '../../shared/template-fill';
import { conversationView, leadView, messageView, nudgeView, templateView, userView } from '../domain/views';
import { searchTokens } from '../domain/names';
import { ACTIVITY_PAGE_MAX, activityHistoryPage, parseHistoryCursor } from '../domain/activity-history';
import { changeNudgeSettings, nudgeSettingsOf } from '../domain/nudge-settings';
import { requireConversationAccess, requireLeadAccess, visibleLeads } from '../domain/access';
import { buildUsageReport, UsageReportQueryError } from '../reports/usage-report';
import { usageSourceFromStore } from '../reports/store-usage-source';
import { ApiFailure, parse } from './errors';
import { requireUser, type ApiContext } from './context';
import { SandboxReplyRequest, sandboxFileOf } from '../channels/sandbox';
import { SignInLimits } from '../auth/sign-in-limits';

const SignIn = z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(1024) });

export function userRoutes(app: FastifyInstance, ctx: ApiContext) {
  const limits = new SignInLimits({ now: () => ctx.now().getTime(), ...ctx.signInLimits });

  // Unauthenticated, so a desktop can check a server URL before asking for a password.
  app.get('/health', async () => ({ ok: true, service: 'converse', serverTime: ctx.now().toISOString() }));

  app.post('/auth/sign-in', async (req, reply) => {
    const body = parse(SignIn, req.body, 'sign-in');
    const email = body.email.toLowerCase();
    // req.ip follows Fastify's trustProxy setting: the socket's address unless a proxy is trusted.
    const admission = await limits.admit(email, req.ip);
    if (!admission.ok) {
      const minutes = Math.max(1, Math.ceil(admission.retryAfterMs / 60_000));
      reply.header('retry-after', String(Math.ceil(admission.retryAfterMs / 1000)));
      throw new ApiFailure(
        429,
        ErrorCode.RATE_LIMITED,
        `Too many wrong passwords for this account from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    await limits.wait(admission.waitMs);
    const res = await ctx.sessions.signIn(email, body.password);
    if (!res) {
      await limits.failed(email, req.ip);
      throw new ApiFailure(401, ErrorCode.UNAUTHORIZED, 'The email or password is wrong.');
    }
    await limits.succeeded(email, req.ip);
    reply.header('cache-control', 'no-store');
    return { token: res.token, expiresAt: res.expiresAt, user: userView(res.user) };
  });

  app.post('/auth/sign-out', async (req) => {
    const caller = await requireUser(ctx, req);
    await ctx.store.revokeSession(caller.sessionId, ctx.now().toISOString());
    ctx.revokeSessions([caller.sessionId]);
    return {};
  });

  app.get('/me', async (req) => userView((await requireUser(ctx, req)).user));

  app.get('/leads', async (req) => {
    const { user } = await requireUser(ctx, req);
    const q = parse(
      z.object({ q: z.string().max(200).default(''), limit: z.coerce.number().int().min(1).max(100).default(20) }),
      req.query,
      'query',
    );
    const tokens = searchTokens(q.q);
    // A masked name is not searchable: finding a lead by it would reveal it.
    const fields = (['first', 'last'] as const).filter(
      (f) => !user.maskedFields.includes(f === 'first' ? 'firstName' : 'lastName'),
    );
    const leads = await visibleLeads(ctx.store, user, { tokens, fields: [...fields], limit: q.limit });
    const out = [];
    for (const l of leads) out.push(leadView(l, user, await ctx.publisher.optedOutOf(l)));
    return { leads: out };
  });

  app.get('/leads/:id', async (req) => {
    const { user } = await requireUser(ctx, req);
    const { id } = parse(z.object({ id: z.string().max(100) }), req.params, 'lead id');
    const lead = await requireLeadAccess(ctx.store, user, id);
    const conversations = [];
    for (const c of await ctx.store.listConversationsOfLead(id))
      conversations.push(conversationView(c, await ctx.store.readUpTo(c.id, user.id)));
    return {
      lead: leadView(lead, user, await ctx.publisher.optedOutOf(lead)),
      // The first page of the Activity History; older pages from GET /leads/:id/activity.
      activity: (await activityHistoryPage(ctx.store, lead, user, null, 30)).activity,
      conversations,
    };
  });

  // Activity History (newest first, paged): the lead's activities and its conversations' messages.
  app.get('/leads/:id/activity', async (req): Promise<ActivityPage> => {
    const { user } = await requireUser(ctx, req);
    const { id } = parse(z.object({ id: z.string().max(100) }), req.params, 'lead id');
    const q = parse(
      z.object({
        before: z.string().max(300).optional(),
        limit: z.coerce.number().int().min(1).max(ACTIVITY_PAGE_MAX).default(30),
      }),
      req.query,
      'query',
    );
    const before = q.before ? parseHistoryCursor(q.before) : null;
    if (q.before && !before)
      throw new ApiFailure(
        400,
        ErrorCode.INVALID_REQUEST,
        'Invalid query (before): must be a cursor from a previous page.',
      );
    return activityHistoryPage(ctx.store, await requireLeadAccess(ctx.store, user, id), user, before, q.limit);
  });

  // Carter settings: per rep, followed by every desktop the rep signs in to.
  app.get('/me/nudge-settings', async (req) => nudgeSettingsOf(ctx.store, (await requireUser(ctx, req)).user.id));
  app.put('/me/nudge-settings', async (req) => {
    const { user } = await requireUser(ctx, req);
    const settings = parse(NudgeSettings, req.body, 'Carter settings');
    return changeNudgeSettings(ctx.store, ctx.publisher, user.id, settings, ctx.now().toISOString());
  });

  app.get('/conversations/:id/messages', async (req) => {
    const { user } = await requireUser(ctx, req);
    const { id } = parse(z.object({ id: z.string().max(120) }), req.params, 'conversation id');
    const q = parse(
      z.object({
        before: z.string().regex(/^\d+$/, 'must be a cursor from a previous page').optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      req.query,
      'query',
    );
    await requireConversationAccess(ctx.store, user, id);
    const page = await ctx.store.messagesPage(id, q.before ? Number(q.before) : null, q.limit);
    return {
      messages: page.map((m) => messageView(m, user)),
      before: page.length === q.limit ? String(page[0].seq) : null,
    };
  });

  app.get('/templates', async (req) => {
    await requireUser(ctx, req);
    const q = parse(z.object({ channel: Channel.optional() }), req.query, 'query');
    return { templates: (await ctx.store.listTemplates(q.channel ?? null)).map(templateView).filter(templateOffered) };
  });

  app.get('/nudges', async (req) => {
    const { user } = await requireUser(ctx, req);
    const q = parse(z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }), req.query, 'query');
    return { nudges: (await ctx.store.listNudges(user.id, q.limit)).map((n) => nudgeView(n, user)) };
  });

  // The rule (README "Who sees which figures"): admins the workspace, sales users their own.
  // buildUsageReport applies it, fills empty months with zeros and always lists CTM and RingCentral.
  app.get('/reports/usage', async (req): Promise<UsageReport> => {
    const { user } = await requireUser(ctx, req);
    const q = req.query as Record<string, unknown> | undefined;
    try {
      return await buildUsageReport({
        query: { range: q?.range, month: q?.month },
        viewer: { id: user.id, role: user.role },
        timeZone: await ctx.store.workspaceTimeZone(),
        source: usageSourceFromStore(ctx.store),
      });
    } catch (err) {
      if (err instanceof UsageReportQueryError) throw new ApiFailure(400, ErrorCode.INVALID_REQUEST, err.message);
      throw err;
    }
  });

  app.post('/sandbox/inbound', async (req) => {
    const { user } = await requireUser(ctx, req);
    const body = parse(SandboxReplyRequest, req.body, 'sandbox inbound');
    const connector = ctx.sandbox[body.channel];
    if (!connector)
      throw new ApiFailure(
        409,
        ErrorCode.CHANNEL_NOT_CONFIGURED,
        `The ${body.channel} channel does not use the sandbox connector.`,
      );
    const lead = await requireLeadAccess(ctx.store, user, body.leadId);
    const phone = body.phoneHandle
      ? lead.phones.find((p) => p.id === body.phoneHandle)
      : (lead.phones.find((p) => p.primary) ?? lead.phones[0]);
    if (!phone) throw new ApiFailure(400, ErrorCode.NO_PHONE, 'This lead has no such phone number.');
    const res = await connector.inbound(phone.e164, body.body, null, body.file ? sandboxFileOf(body.file) : null);
    return { messageId: res.messageId };
  });
}
