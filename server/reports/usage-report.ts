// Builds the usage report the desktop shows (shared/ipc.ts UsageReport) from monthly
// counter rows. Storage stays behind UsageCounterSource, so this module only knows the
// report's rules: which months, whose figures, and that an empty month is shown as zeros
// rather than left out (a chart with a missing month reads as "no data", not "nothing sent").
import { z } from 'zod';
import { NudgeEntity, SmsProvider, Direction, type Role } from '../../shared/domain';
import { UsageReportQuery, type UsageMonth, type UsageReport } from '../../shared/ipc';
import { ErrorCode } from '../../shared/error-codes';
import { assertTimeZone, last12Months } from './usage-month';
import { leadScope } from '../storage/lead-scope';

export const UsageCounterKind = z.enum(['nudge', 'sms', 'whatsapp']);
export type UsageCounterKind = z.infer<typeof UsageCounterKind>;

/** One counter: how many of one kind of thing happened in one month for one user. */
export const UsageCounterRow = z
  .object({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    kind: UsageCounterKind,
    entity: NudgeEntity.optional(),
    provider: SmsProvider.optional(),
    direction: Direction.optional(),
    /** The user the figure belongs to; null: nobody in particular (counts for the workspace only). */
    userId: z.string().nullable(),
    count: z.number().int().nonnegative(),
  })
  .superRefine((row, ctx) => {
    if (row.kind === 'nudge' && !row.entity)
      ctx.addIssue({ code: 'custom', message: 'a nudge counter needs an entity' });
    if (row.kind === 'sms' && (!row.provider || !row.direction))
      ctx.addIssue({ code: 'custom', message: 'an SMS counter needs a provider and a direction' });
    if (row.kind === 'whatsapp' && !row.direction)
      ctx.addIssue({ code: 'custom', message: 'a WhatsApp counter needs a direction' });
  });
export type UsageCounterRow = z.infer<typeof UsageCounterRow>;

/** Whose counters to read: one user's, or (userId null) the whole workspace's. */
export interface UsageCounterQuery {
  months: readonly string[];
  userId: string | null;
}

/** The one thing the report needs from storage. */
export interface UsageCounterSource {
  usageCounters(query: UsageCounterQuery): UsageCounterRow[] | Promise<UsageCounterRow[]>;
}

/** Who is asking. */
export interface ReportViewer {
  id: string;
  role: Role;
}

/** Providers every SMS chart shows even when they carried nothing (the seed names them). */
export const REPORTED_SMS_PROVIDERS: readonly SmsProvider[] = ['ctm', 'ringcentral'];

/**
 * The scope rule (server/reports/README.md): whoever sees the whole workspace's leads (admins,
 * by the one visibility rule in server/storage/lead-scope.ts) sees the workspace's figures;
 * everyone else only figures attributed to themselves.
 */
export function reportScopeFor(viewer: ReportViewer): { scope: UsageReport['scope']; userId: string | null } {
  const leads = leadScope(viewer);
  return leads.kind === 'workspace' ? { scope: 'workspace', userId: null } : { scope: 'user', userId: leads.userId };
}

export function monthsOf(query: UsageReportQuery): string[] {
  return query.range === 'month' ? [query.month] : last12Months(query.month);
}

function emptyMonth(month: string, providers: readonly string[]): UsageMonth {
  return {
    month,
    nudges: { lead: 0, task: 0, activity: 0 },
    sms: {
      inbound: 0,
      outbound: 0,
      byProvider: Object.fromEntries(providers.map((p) => [p, { inbound: 0, outbound: 0 }])),
    },
    whatsapp: { inbound: 0, outbound: 0 },
  };
}

export interface BuildUsageReportInput {
  /** Untrusted: validated here with the same schema the IPC call uses. */
  query: unknown;
  viewer: ReportViewer;
  /** The workspace's IANA time zone, reported back so the view can say which months these are. */
  timeZone: string;
  source: UsageCounterSource;
}

export class UsageReportQueryError extends Error {
  readonly code = ErrorCode.INVALID_REQUEST;
  /** For HTTP error handlers that read a fastify-style status. */
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'UsageReportQueryError';
  }
}

/** Parses `{range, month}` from a query string or IPC call; throws UsageReportQueryError with a clear message. */
export function parseUsageReportQuery(raw: unknown): UsageReportQuery {
  const parsed = UsageReportQuery.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'query';
  const hint =
    field === 'month'
      ? 'month must look like YYYY-MM (for example 2026-03)'
      : field === 'range'
        ? 'range must be "month" or "last12"'
        : (issue?.message ?? 'rejected');
  throw new UsageReportQueryError(`Invalid usage report query (${field}): ${hint}.`);
}

export async function buildUsageReport(input: BuildUsageReportInput): Promise<UsageReport> {
  const query = parseUsageReportQuery(input.query);
  const timeZone = assertTimeZone(input.timeZone);
  const { scope, userId } = reportScopeFor(input.viewer);
  const months = monthsOf(query);

  const raw = await input.source.usageCounters({ months, userId });
  const rows = raw.map((r, i) => {
    const parsed = UsageCounterRow.safeParse(r);
    if (!parsed.success)
      throw new Error(`Usage counter row ${i} is malformed: ${parsed.error.issues[0]?.message ?? 'rejected'}.`);
    return parsed.data;
  });
  // The source is asked for one user's rows, but the rule is enforced here too, so a source
  // that returns more can never show a sales rep someone else's figures.
  const visible = scope === 'workspace' ? rows : rows.filter((r) => r.userId === userId);

  const providers = new Set<string>(REPORTED_SMS_PROVIDERS);
  for (const r of visible) if (r.kind === 'sms' && r.provider) providers.add(r.provider);
  const ordered = [...providers];

  const byMonth = new Map(months.map((m) => [m, emptyMonth(m, ordered)]));
  for (const r of visible) {
    const m = byMonth.get(r.month);
    if (!m) continue; // outside the requested range
    if (r.kind === 'nudge') {
      m.nudges[r.entity!] += r.count;
    } else if (r.kind === 'sms') {
      m.sms[r.direction!] += r.count;
      m.sms.byProvider[r.provider!][r.direction!] += r.count;
    } else {
      m.whatsapp[r.direction!] += r.count;
    }
  }
  return { scope, timeZone, months: [...byMonth.values()] };
}
