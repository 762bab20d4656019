// The demo workspace, seeded on first start: an admin, two reps (one under a permission template
// that masks phone numbers), about 50 leads (some with several numbers), SMS and WhatsApp
// templates (some WhatsApp ones not approved or not available, so filtering shows), and a few
// conversations, one on WhatsApp with its service window open — where Maria has also sent a
// picture and a PDF, so a new user can preview and download a file a lead sent. Everything goes
// through the same services as live changes, so every user's event log holds a complete state
// from seq 1.
import { countMessage } from '../reports/count-usage';
import type { AttachmentFiles } from '../attachments/files';
import { leadFileFacts } from '../channels/lead-file';
import type { LeadRecord, Store, UserRecord } from '../storage/store';
import type { Publisher } from '../domain/publisher';
import type { Workspace } from '../domain/workspace';
import { DEMO_ACCOUNTS, DEMO_LEADS, DEMO_MASKING_TEMPLATE, DEMO_PASSWORD } from './accounts';
import { demoFloorPlanPng, demoRequirementsPdf } from './sample-files';
import { DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_TEMPLATES } from './demo-data';

/** The files Maria has sent on WhatsApp (name, bytes, caption), after "About 12 people." */
export const DEMO_RECEIVED_FILES = [
  {
    fileName: 'office-floor-plan.png',
    bytes: demoFloorPlanPng,
    caption: 'Our office, so you can see the setup.',
    minutesAgo: 93,
  },
  { fileName: 'team-requirements.pdf', bytes: demoRequirementsPdf, caption: null, minutesAgo: 92 },
] as const;

export interface SeedDeps {
  store: Store;
  publisher: Publisher;
  workspace: Workspace;
  now: () => Date;
  /** Where attachment bytes live; absent: the demo has no received files. */
  files?: AttachmentFiles;
}

/** The demo's people: Ada (admin), Rita (rep) and Sam (rep whose template masks phone numbers). */
interface DemoPeople {
  ada: UserRecord;
  rita: UserRecord;
  sam: UserRecord;
}

/** A line is [minutes ago, direction, text]; an inbound line may name a file Maria sent (by index in DEMO_RECEIVED_FILES). */
type HistoryLine = [number, 'in' | 'out', string] | [number, 'in', string, number];

interface DemoConversation {
  lead: LeadRecord;
  channel: 'sms' | 'whatsapp';
  author: UserRecord;
  lines: HistoryLine[];
}

export async function seedDemo(deps: SeedDeps): Promise<void> {
  const { workspace } = deps;
  const people = await seedPeople(deps);
  for (const t of DEMO_TEMPLATES) await workspace.saveTemplate(t);
  // The demo leads came in a month ago, before their conversations (Activity History is newest first).
  const leadsCreatedAt = new Date(deps.now().getTime() - 30 * 24 * 60 * 60_000).toISOString();
  const { maria, jose } = await seedNamedLeads(workspace, people, leadsCreatedAt);
  const owners: UserRecord[] = [people.rita, people.sam, people.ada];
  const created = [];
  for (let i = 0; i < 48; i++)
    created.push(await workspace.createLead(generatedLead(i, owners[i % 3]), { nudge: false, at: leadsCreatedAt }));

  let n = 0;
  const nextId = () => n++;
  for (const c of demoConversations(people, maria, jose, created, !!deps.files))
    await seedConversation(deps, c, nextId);
  // Sam also sees one of Ada's leads through an assigned conversation.
  await workspace.assignConversation(`${created[2].id}:whatsapp`, people.sam.id, { nudge: false });
}

async function seedPeople({ store, workspace }: SeedDeps): Promise<DemoPeople> {
  const mask = await store.createPermissionTemplate(DEMO_MASKING_TEMPLATE.name, [
    ...DEMO_MASKING_TEMPLATE.maskedFields,
  ]);
  const ada = await workspace.createUser({ ...DEMO_ACCOUNTS.admin, password: DEMO_PASSWORD });
  const rita = await workspace.createUser({ ...DEMO_ACCOUNTS.rita, password: DEMO_PASSWORD });
  const sam = await workspace.createUser({
    ...DEMO_ACCOUNTS.sam,
    password: DEMO_PASSWORD,
    permissionTemplateId: mask.id,
  });
  return { ada, rita, sam };
}

/** Maria Garcia (two numbers) and José Núñez, both Rita's: the leads the README names. */
async function seedNamedLeads(
  workspace: Workspace,
  { rita }: DemoPeople,
  at: string,
): Promise<{ maria: LeadRecord; jose: LeadRecord }> {
  const maria = await workspace.createLead(
    {
      firstName: DEMO_LEADS.maria.firstName,
      lastName: DEMO_LEADS.maria.lastName,
      email: 'maria.garcia@example.com',
      ownerId: rita.id,
      customFields: { Source: 'Website', City: 'San Francisco' },
      phones: [
        { e164: DEMO_LEADS.maria.phones[0], label: 'Mobile', primary: true },
        { e164: DEMO_LEADS.maria.phones[1], label: 'Work' },
      ],
    },
    { nudge: false, at },
  );
  const jose = await workspace.createLead(
    {
      firstName: DEMO_LEADS.jose.firstName,
      lastName: DEMO_LEADS.jose.lastName,
      email: 'jose.nunez@example.com',
      ownerId: rita.id,
      customFields: { Source: 'Referral' },
      phones: [{ e164: DEMO_LEADS.jose.phones[0], label: 'Mobile', primary: true }],
    },
    { nudge: false, at },
  );
  return { maria, jose };
}

const asciiLower = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '');

/** The i-th generated lead: every fifth has a work number, a few are international. */
function generatedLead(i: number, owner: UserRecord): Parameters<Workspace['createLead']>[0] {
  // 555-01xx numbers are reserved for fiction.
  const phones = [{ e164: `+1212555${String(100 + i).padStart(4, '0')}`, label: 'Mobile', primary: true }];
  if (i % 5 === 0) phones.push({ e164: `+1646555${String(100 + i).padStart(4, '0')}`, label: 'Work', primary: false });
  if (i % 16 === 7) {
    // A few international leads: WhatsApp works, SMS is refused (US only). 07700 900xxx is Ofcom's drama range.
    phones[0].primary = false;
    phones.unshift({ e164: `+447700900${String(100 + i).slice(-3)}`, label: 'UK mobile', primary: true });
  }
  return {
    firstName: DEMO_FIRST_NAMES[i],
    lastName: DEMO_LAST_NAMES[i],
    email: `${asciiLower(DEMO_FIRST_NAMES[i])}.${asciiLower(DEMO_LAST_NAMES[i])}@example.com`,
    ownerId: owner.id,
    customFields: { Source: ['Website', 'Referral', 'Trade show', 'Ad campaign'][i % 4] },
    phones,
  };
}

/** The existing conversations; Maria's WhatsApp one ends with the files she sent when there is a file store. */
function demoConversations(
  { ada, rita, sam }: DemoPeople,
  maria: LeadRecord,
  jose: LeadRecord,
  created: LeadRecord[],
  withFiles: boolean,
): DemoConversation[] {
  const fileLines = withFiles
    ? DEMO_RECEIVED_FILES.map((f, i): [number, 'in', string, number] => [f.minutesAgo, 'in', '', i])
    : [];
  return [
    {
      lead: maria,
      channel: 'whatsapp',
      author: rita,
      lines: [
        [26 * 60, 'out', 'Hi Maria, thanks for your interest in our plans!'],
        [125, 'in', 'Hi! Could you send me the pricing sheet?'],
        [120, 'out', 'Of course — what size is your team?'],
        [95, 'in', 'About 12 people.'],
        ...fileLines,
      ],
    },
    {
      lead: maria,
      channel: 'sms',
      author: rita,
      lines: [
        [3 * 24 * 60, 'out', 'Hi Maria, this is Rita from Converse.'],
        [3 * 24 * 60 - 30, 'in', 'Hi Rita, thanks for reaching out.'],
      ],
    },
    {
      lead: jose,
      channel: 'sms',
      author: rita,
      lines: [
        [2 * 24 * 60, 'in', 'Hola, is the demo still on for Friday?'],
        [2 * 24 * 60 - 10, 'out', 'Yes, Friday at 10am works.'],
      ],
    },
    {
      lead: created[1],
      channel: 'sms',
      author: sam,
      lines: [
        [300, 'out', 'Hi Olivia, following up on your request.'],
        [240, 'in', 'Thanks Sam, I will call you later.'],
      ],
    },
    {
      lead: created[2],
      channel: 'whatsapp',
      author: ada,
      lines: [
        [50 * 60, 'in', 'Hello, I saw your ad.'],
        [49 * 60, 'out', 'Thanks for writing! How can we help?'],
      ],
    },
  ];
}

/** One conversation's messages in order, counted and published like live traffic, then its "started" activity. */
async function seedConversation(deps: SeedDeps, c: DemoConversation, nextId: () => number): Promise<void> {
  const { store, publisher, now } = deps;
  const t = (minutesAgo: number) => new Date(now().getTime() - minutesAgo * 60_000).toISOString();
  for (const line of c.lines) await seedMessage(deps, c, line, t(line[0]), nextId());
  await store.addActivity({
    leadId: c.lead.id,
    type: 'conversation.started',
    summary: `${c.channel === 'sms' ? 'SMS' : 'WhatsApp'} conversation started.`,
    at: t(c.lines[0][0]),
    messageId: null,
  });
  await publisher.conversation(`${c.lead.id}:${c.channel}`);
}

async function seedMessage(
  { store, publisher, files }: SeedDeps,
  c: DemoConversation,
  [ago, dir, body, fileIndex]: HistoryLine,
  at: string,
  n: number,
): Promise<void> {
  const phone = c.lead.phones.find((p) => p.primary)!;
  const file =
    files && fileIndex !== undefined ? await keepReceivedFile(store, files, DEMO_RECEIVED_FILES[fileIndex], at) : null;
  const res =
    dir === 'in'
      ? await store.createInbound({
          leadId: c.lead.id,
          channel: c.channel,
          body,
          phoneId: phone.id,
          provider: 'sandbox',
          providerMessageId: `seed_in_${n}`,
          attachmentId: file?.id ?? null,
          caption: file?.caption ?? null,
          at,
        })
      : await store.createOutbound({
          clientId: `seed-out-${n}`,
          leadId: c.lead.id,
          channel: c.channel,
          body,
          phoneId: phone.id,
          templateId: null,
          templateName: null,
          attachmentId: null,
          caption: null,
          authorUserId: c.author.id,
          provider: 'sandbox',
          connector: c.channel === 'sms' ? 'sandbox-sms' : 'sandbox-whatsapp',
          at,
          // Given its provider id on the next line: a seeded message is never a send under way.
          sendLease: { owner: 'seed', until: at },
        });
  let m = res.message;
  if (dir === 'out') {
    await store.setProviderId(m.id, `seed_${m.id}`);
    m = (await store.applyStatus(m.id, 'sent', at, null))!.message;
    m = (await store.applyStatus(m.id, ago < 200 ? 'delivered' : 'read', at, null))!.message;
  }
  // Counted like live traffic, so usage reports agree with the messages table from the start.
  await countMessage(store, {
    at: new Date(at),
    provider: 'sandbox',
    channel: c.channel,
    direction: dir === 'in' ? 'inbound' : 'outbound',
    userId: dir === 'in' ? c.lead.ownerId : c.author.id,
  });
  await publisher.message(m);
}

/** A file a lead sent, kept as the sink keeps one: bytes on disk, facts (type, name, verdict) from the bytes. */
async function keepReceivedFile(
  store: Store,
  files: AttachmentFiles,
  f: (typeof DEMO_RECEIVED_FILES)[number],
  at: string,
): Promise<{ id: string; caption: string | null }> {
  const id = files.newId();
  const bytes = f.bytes();
  const path = await files.write(id, bytes);
  await store.createAttachment({ id, ...(await leadFileFacts(bytes, f.fileName)), path, uploadedBy: null }, at);
  return { id, caption: f.caption };
}
