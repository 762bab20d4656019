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
import type { Store, UserRecord } from '../storage/store';
import type { Publisher } from '../domain/publisher';
import type { Workspace } from '../domain/workspace';
import { DEMO_ACCOUNTS, DEMO_LEADS, DEMO_MASKING_TEMPLATE, DEMO_PASSWORD } from './accounts';
import { demoFloorPlanPng, demoRequirementsPdf } from './sample-files';

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

const FIRST = [
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Ava',
  'Elijah',
  'Sophia',
  'Lucas',
  'Mia',
  'Mateo',
  'Amelia',
  'Ethan',
  'Harper',
  'Aiden',
  'Camila',
  'Chloé',
  'Zoë',
  'Benjamin',
  'Isabella',
  'Henry',
  'Luna',
  'Sebastián',
  'Aaliyah',
  'Jack',
  'Priya',
  'Wei',
  'Kenji',
  'Fatima',
  'Omar',
  'Ingrid',
  'Dmitri',
  'Ana',
  'Grace',
  'Hugo',
  'Leila',
  'Marco',
  'Nora',
  'Owen',
  'Pilar',
  'Quinn',
  'Rosa',
  'Tomás',
  'Uma',
  'Victor',
  'Willa',
  'Xavier',
  'Yara',
  'Zane',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Rodríguez',
  'Martínez',
  'Hernández',
  'López',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Pérez',
  'Thompson',
  'White',
  'Harris',
  'Sánchez',
  'Clark',
  'Patel',
  'Chen',
  'Tanaka',
  'Khan',
  'Haddad',
  'Larsen',
  'Ivanov',
  'Silva',
  'Kim',
  'Dubois',
  'Nasser',
  'Rossi',
  'Berg',
  'Walsh',
  'Ortega',
  'Reyes',
  'Díaz',
  'Costa',
  'Rao',
  'Novak',
  'Young',
  'Mendes',
  'Okafor',
];

export interface SeedDeps {
  store: Store;
  publisher: Publisher;
  workspace: Workspace;
  now: () => Date;
  /** Where attachment bytes live; absent: the demo has no received files. */
  files?: AttachmentFiles;
}

export async function seedDemo({ store, publisher, workspace, now, files }: SeedDeps): Promise<void> {
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

  const templates = [
    {
      channel: 'sms' as const,
      name: 'Intro',
      body: 'Hi {{FirstName}}, this is {{Owner}} from Converse. Do you have a minute to talk about your enquiry?',
      params: [],
      category: null,
      language: null,
      status: null,
      availableInConverse: true,
    },
    {
      channel: 'sms' as const,
      name: 'Follow-up',
      body: 'Hi {{FirstName}}, just following up on our last conversation. Any questions I can answer?',
      params: [],
      category: null,
      language: null,
      status: null,
      availableInConverse: true,
    },
    {
      channel: 'sms' as const,
      name: 'Appointment reminder',
      body: 'Reminder: your appointment with {{Owner}} is tomorrow. Reply STOP to opt out.',
      params: [],
      category: null,
      language: null,
      status: null,
      availableInConverse: true,
    },
    {
      channel: 'whatsapp' as const,
      name: 'welcome_lead',
      body: 'Hello {{1}}! Thanks for your interest. {{2}} will help you from here.',
      params: ['FirstName', 'Owner'],
      category: 'MARKETING' as const,
      language: 'en_US',
      status: 'APPROVED' as const,
      availableInConverse: true,
    },
    {
      channel: 'whatsapp' as const,
      name: 'follow_up',
      body: 'Hi {{1}}, are you still interested? Reply to continue the conversation.',
      params: ['FirstName'],
      category: 'UTILITY' as const,
      language: 'en_US',
      status: 'APPROVED' as const,
      availableInConverse: true,
    },
    {
      channel: 'whatsapp' as const,
      name: 'seasonal_offer',
      body: 'Hi {{1}}, our seasonal offer ends soon!',
      params: ['FirstName'],
      category: 'MARKETING' as const,
      language: 'en_US',
      status: 'PENDING' as const,
      availableInConverse: true,
    },
    {
      channel: 'whatsapp' as const,
      name: 'internal_only',
      body: 'Hi {{1}}, this template is approved but hidden from Converse.',
      params: ['FirstName'],
      category: 'UTILITY' as const,
      language: 'en_US',
      status: 'APPROVED' as const,
      availableInConverse: false,
    },
    {
      channel: 'whatsapp' as const,
      name: 'old_promo',
      body: 'Hi {{1}}, this promotion was rejected.',
      params: ['FirstName'],
      category: 'MARKETING' as const,
      language: 'en_US',
      status: 'REJECTED' as const,
      availableInConverse: true,
    },
  ];
  for (const t of templates) await workspace.saveTemplate(t);

  const owners: UserRecord[] = [rita, sam, ada];
  // The demo leads came in a month ago, before their conversations (Activity History is newest first).
  const leadsCreatedAt = new Date(now().getTime() - 30 * 24 * 60 * 60_000).toISOString();
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
    { nudge: false, at: leadsCreatedAt },
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
    { nudge: false, at: leadsCreatedAt },
  );

  const created = [];
  for (let i = 0; i < 48; i++) {
    const owner = owners[i % 3];
    // 555-01xx numbers are reserved for fiction.
    const phones = [{ e164: `+1212555${String(100 + i).padStart(4, '0')}`, label: 'Mobile', primary: true }];
    if (i % 5 === 0)
      phones.push({ e164: `+1646555${String(100 + i).padStart(4, '0')}`, label: 'Work', primary: false });
    if (i % 16 === 7) {
      // A few international leads: WhatsApp works, SMS is refused (US only). 07700 900xxx is Ofcom's drama range.
      phones[0].primary = false;
      phones.unshift({ e164: `+447700900${String(100 + i).slice(-3)}`, label: 'UK mobile', primary: true });
    }
    created.push(
      await workspace.createLead(
        {
          firstName: FIRST[i],
          lastName: LAST[i],
          email: `${FIRST[i]
            .toLowerCase()
            .normalize('NFD')
            .replace(/\p{Diacritic}/gu, '')}.${LAST[i]
            .toLowerCase()
            .normalize('NFD')
            .replace(/\p{Diacritic}/gu, '')}@example.com`,
          ownerId: owner.id,
          customFields: { Source: ['Website', 'Referral', 'Trade show', 'Ad campaign'][i % 4] },
          phones,
        },
        { nudge: false, at: leadsCreatedAt },
      ),
    );
  }

  // Existing conversations.
  const t = (minutesAgo: number) => new Date(now().getTime() - minutesAgo * 60_000).toISOString();
  // A line is [minutes ago, direction, text]; an inbound line may name a file Maria sent (by index in DEMO_RECEIVED_FILES).
  const fileLines = files
    ? DEMO_RECEIVED_FILES.map((f, i): [number, 'in', string, number] => [f.minutesAgo, 'in', '', i])
    : [];
  const history: {
    lead: typeof maria;
    channel: 'sms' | 'whatsapp';
    author: UserRecord;
    lines: ([number, 'in' | 'out', string] | [number, 'in', string, number])[];
  }[] = [
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
  let n = 0;
  for (const h of history) {
    const phone = h.lead.phones.find((p) => p.primary)!;
    for (const [ago, dir, body, fileIndex] of h.lines) {
      const at = t(ago);
      const file =
        files && fileIndex !== undefined
          ? await keepReceivedFile(store, files, DEMO_RECEIVED_FILES[fileIndex], at)
          : null;
      const res =
        dir === 'in'
          ? await store.createInbound({
              leadId: h.lead.id,
              channel: h.channel,
              body,
              phoneId: phone.id,
              provider: 'sandbox',
              providerMessageId: `seed_in_${n++}`,
              attachmentId: file?.id ?? null,
              caption: file?.caption ?? null,
              at,
            })
          : await store.createOutbound({
              clientId: `seed-out-${n++}`,
              leadId: h.lead.id,
              channel: h.channel,
              body,
              phoneId: phone.id,
              templateId: null,
              templateName: null,
              attachmentId: null,
              caption: null,
              authorUserId: h.author.id,
              provider: 'sandbox',
              connector: h.channel === 'sms' ? 'sandbox-sms' : 'sandbox-whatsapp',
              at,
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
        channel: h.channel,
        direction: dir === 'in' ? 'inbound' : 'outbound',
        userId: dir === 'in' ? h.lead.ownerId : h.author.id,
      });
      await publisher.message(m);
    }
    await store.addActivity({
      leadId: h.lead.id,
      type: 'conversation.started',
      summary: `${h.channel === 'sms' ? 'SMS' : 'WhatsApp'} conversation started.`,
      at: t(h.lines[0][0]),
      messageId: null,
    });
    await publisher.conversation(`${h.lead.id}:${h.channel}`);
  }
  // Sam also sees one of Ada's leads through an assigned conversation.
  await workspace.assignConversation(`${created[2].id}:whatsapp`, sam.id, { nudge: false });
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
