// Leads from a CSV file: one lead per row, bad rows reported with their line numbers and good
// rows kept. Columns (header names are case- and space-insensitive): first name, last name,
// email, phone (several separated by ";"; the first is primary), phone 2, phone 3, owner (email);
// any other column becomes a custom field.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { LEAD_LIMITS, LeadCustomFields } from '../../shared/domain';
import { normalisePhone } from '../../shared/phone';
import type { NewLead } from '../storage/store';

export interface ImportProblem {
  line: number;
  message: string;
}
export interface ParsedRow {
  line: number;
  lead: Omit<NewLead, 'ownerId'>;
  ownerEmail: string | null;
}

const key = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const KNOWN = new Set([
  'firstname',
  'lastname',
  'email',
  'phone',
  'phones',
  'phone1',
  'phone2',
  'phone3',
  'mobile',
  'owner',
  'owneremail',
]);
const Email = z.string().email();

export function parseLeadsCsv(text: string): { rows: ParsedRow[]; problems: ImportProblem[] } {
  const rows: ParsedRow[] = [];
  const problems: ImportProblem[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((x) => x.trim()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
      bom: true,
    }) as never;
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { rows, problems: [{ line: e.lines ?? 1, message: `The file is not valid CSV: ${e.message}` }] };
  }
  for (const { record, info } of records) {
    const line = info.lines;
    const get = (...names: string[]) => {
      for (const [h, v] of Object.entries(record)) if (names.includes(key(h)) && v) return v.trim();
      return '';
    };
    const firstName = get('firstname');
    if (!firstName) {
      problems.push({ line, message: 'first name is empty' });
      continue;
    }
    const lastName = get('lastname');
    if (Math.max(firstName.length, lastName.length) > LEAD_LIMITS.nameChars) {
      problems.push({ line, message: `a name is at most ${LEAD_LIMITS.nameChars} characters` });
      continue;
    }
    const email = get('email') || null;
    if (email && (email.length > LEAD_LIMITS.emailChars || !Email.safeParse(email).success)) {
      problems.push({ line, message: `"${email.slice(0, 80)}" is not an email address` });
      continue;
    }
    const rawPhones = [get('phone', 'phones', 'phone1', 'mobile'), get('phone2'), get('phone3')]
      .flatMap((p) => p.split(';'))
      .map((p) => p.trim())
      .filter(Boolean);
    const phones: NewLead['phones'] = [];
    let bad: string | null = null;
    for (const [i, raw] of rawPhones.entries()) {
      const n = normalisePhone(raw);
      if (!n.ok) {
        bad = n.message;
        break;
      }
      if (!phones.some((p) => p.e164 === n.e164)) phones.push({ e164: n.e164, primary: i === 0 });
    }
    if (bad) {
      problems.push({ line, message: bad });
      continue;
    }
    if (phones.length > LEAD_LIMITS.phones) {
      problems.push({ line, message: `a lead has at most ${LEAD_LIMITS.phones} phone numbers` });
      continue;
    }
    const customFields: Record<string, string> = {};
    for (const [h, v] of Object.entries(record))
      if (!KNOWN.has(key(h)) && key(h) !== 'firstname' && v) customFields[h.trim()] = v.trim();
    const fields = LeadCustomFields.safeParse(customFields);
    if (!fields.success) {
      problems.push({ line, message: fields.error.issues[0]?.message ?? 'the custom fields are too large' });
      continue;
    }
    rows.push({
      line,
      lead: { firstName, lastName, email, phones, customFields },
      ownerEmail: get('owner', 'owneremail') || null,
    });
  }
  return { rows, problems };
}
