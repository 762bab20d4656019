// Rows the conformance suites build through the seam itself, each unique to its test (a test
// file's tests share one store), and the clock they are written at.
import { randomBytes } from 'node:crypto';
import type { LeadView, NudgeView, Role } from '../../shared/domain';
import type { StreamEvent } from '../../shared/stream-protocol';
import type {
  InboundArrival,
  InboundReceipt,
  LeadRecord,
  MessageRecord,
  NewInbound,
  NewLead,
  NewOutbound,
  NudgeRecord,
  Store,
  UserRecord,
} from '../../server/storage/store';

const run = randomBytes(3).toString('hex');
let counter = 0;
/** A string no other row of this test run has: `${what}-<run>-<n>`. */
export const unique = (what: string) => `${what}-${run}-${++counter}`;

/** Letters only (names are folded to letters before search), unique to this run. */
export function uniqueWord(): string {
  const n = ++counter;
  const letters = (v: number) => [...v.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
  return `q${letters(parseInt(run, 16))}x${letters(n)}`;
}

let phoneCounter = Math.floor(Math.random() * 5_000_000);
/** An E.164 number no other lead of this run has. */
export const newPhone = () => `+1415${String(1_000_000 + (++phoneCounter % 8_000_000)).padStart(7, '0')}`;

const BASE_MS = Date.parse('2030-03-04T05:06:07.000Z');
/** The suite's clock: an ISO time `seconds` after a fixed instant. */
export const at = (seconds = 0) => new Date(BASE_MS + seconds * 1000).toISOString();
/** An ISO time as the store's Date fields carry it. */
export const date = (seconds = 0) => new Date(BASE_MS + seconds * 1000);
/** ISO-8601 UTC with milliseconds, as every stored time reads back. */
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function makeUser(store: Store, role: Role = 'sales', name = 'Rita Rep'): Promise<UserRecord> {
  return store.createUser({ email: `${unique('user')}@converse.test`, name, role, passwordHash: 'hash' });
}

export function makeLead(
  store: Store,
  ownerId: string | null,
  lead: Partial<NewLead> = {},
  when = at(),
): Promise<LeadRecord> {
  return store.createLead(
    { firstName: 'Maria', lastName: 'Garcia', ownerId, phones: [{ e164: newPhone() }], ...lead },
    when,
  );
}

/** An outbound SMS from `author` to the lead's first number, leased to `node-a` for an hour. */
export function outboundTo(lead: LeadRecord, author: UserRecord, m: Partial<NewOutbound> = {}): NewOutbound {
  return {
    clientId: unique('client'),
    leadId: lead.id,
    channel: 'sms',
    body: 'Hello from Converse',
    phoneId: lead.phones[0].id,
    templateId: null,
    templateName: null,
    attachmentId: null,
    caption: null,
    authorUserId: author.id,
    provider: 'sandbox',
    connector: 'sandbox-sms',
    at: at(),
    sendLease: { owner: 'node-a', until: at(3600) },
    ...m,
  };
}

/** An inbound SMS from the lead's first number. */
export function inboundFrom(lead: LeadRecord, m: Partial<NewInbound> = {}): NewInbound {
  return {
    leadId: lead.id,
    channel: 'sms',
    body: 'Hi, is this Converse?',
    phoneId: lead.phones[0].id,
    provider: 'sandbox',
    providerMessageId: unique('pm'),
    attachmentId: null,
    caption: null,
    at: at(),
    ...m,
  };
}

/** An inbound SMS ("STOP") as it arrives from `from`, making an unowned lead when the number is new. */
export function arrivalFrom(from: string, a: Partial<InboundArrival> = {}): InboundArrival {
  return {
    from,
    channel: 'sms',
    body: 'STOP',
    provider: 'sandbox',
    providerMessageId: unique('pm'),
    attachmentId: null,
    caption: null,
    at: at(5),
    newLead: () => ({ firstName: 'Unknown', lastName: from, ownerId: null, phones: [{ e164: from }] }),
    optOut: null,
    ...a,
  };
}

/** Stores an arrival whose new number comes with its lead (as arrivalFrom's does): its receipt. */
export async function receive(store: Pick<Store, 'receiveInbound'>, a: InboundArrival): Promise<InboundReceipt> {
  const receipt = await store.receiveInbound(a);
  if (!receipt) throw new Error(`Arrival ${a.providerMessageId} was not stored.`);
  return receipt;
}

/** The message a store should hold for `m` right after createOutbound. */
export function pendingOutbound(m: NewOutbound, id: string, seq: number): MessageRecord {
  return {
    id,
    seq,
    clientId: m.clientId,
    conversationId: `${m.leadId}:${m.channel}`,
    leadId: m.leadId,
    channel: m.channel,
    direction: 'outbound',
    body: m.body,
    phoneId: m.phoneId,
    templateId: m.templateId,
    templateName: m.templateName,
    attachment: null,
    caption: m.caption,
    status: 'pending',
    error: null,
    provider: m.provider,
    providerMessageId: null,
    connector: m.connector,
    authorUserId: m.authorUserId,
    createdAt: m.at,
    updatedAt: m.at,
  };
}

export function leadView(lead: LeadRecord, firstName = lead.firstName): LeadView {
  return {
    id: lead.id,
    firstName,
    lastName: lead.lastName,
    email: lead.email,
    phones: [],
    ownerId: lead.ownerId,
    customFields: {},
    masked: [],
    updatedAt: lead.updatedAt,
  };
}

export function nudgeFor(userId: string, over: Partial<Omit<NudgeRecord, 'id'>> = {}): Omit<NudgeRecord, 'id'> {
  return {
    userId,
    kind: 'message',
    entityType: 'lead',
    leadId: null,
    conversationId: null,
    taskId: null,
    title: 'Maria Garcia',
    body: 'New message',
    createdAt: at(),
    ...over,
  };
}

/** The stream event that shows a stored nudge (what the publisher makes of it). */
export function nudgeEvent(n: NudgeRecord): StreamEvent {
  const { userId: _userId, ...view } = n;
  return { type: 'nudge', nudge: view satisfies NudgeView };
}

/** A small event for a user's log. */
export const removed = (leadId: string): StreamEvent => ({ type: 'lead.removed', leadId });
