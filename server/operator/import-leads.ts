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
    const parsed = parseRow(record, info.lines);
    if ('message' in parsed) problems.push(parsed);
    else rows.push(parsed);
  }
  return { rows, problems };
}

// One CSV row checked field by field; the first problem found is the row's problem.
function parseRow(record: Record<string, string>, line: number): ParsedRow | ImportProblem {
  const get = (...names: string[]) => {
    for (const [h, v] of Object.entries(record)) if (names.includes(key(h)) && v) return v.trim();
    return '';
  };
  const problem = (message: string): ImportProblem => ({ line, message });
  const firstName = get('firstname');
  if (!firstName) return problem('first name is empty');
  const lastName = get('lastname');
  if (Math.max(firstName.length, lastName.length) > LEAD_LIMITS.nameChars)
    return problem(`a name is at most ${LEAD_LIMITS.nameChars} characters`);
  const email = get('email') || null;
  if (email && (email.length > LEAD_LIMITS.emailChars || !Email.safeParse(email).success))
    return problem(`"${email.slice(0, 80)}" is not an email address`);
  const phones = parsePhones([get('phone', 'phones', 'phone1', 'mobile'), get('phone2'), get('phone3')]);
  if (typeof phones === 'string') return problem(phones);
  if (phones.length > LEAD_LIMITS.phones) return problem(`a lead has at most ${LEAD_LIMITS.phones} phone numbers`);
  const customFields = customFieldsOf(record);
  const fields = LeadCustomFields.safeParse(customFields);
  if (!fields.success) return problem(fields.error.issues[0]?.message ?? 'the custom fields are too large');
  return {
    line,
    lead: { firstName, lastName, email, phones, customFields },
    ownerEmail: get('owner', 'owneremail') || null,
  };
}

// The row's phone cells (each may hold several numbers separated by ";") normalised and
// deduplicated, the first one primary; or the message for the first number that is not a phone.
function parsePhones(cells: string[]): NewLead['phones'] | string {
  const rawPhones = cells
    .flatMap((p) => p.split(';'))
    .map((p) => p.trim())
    .filter(Boolean);
  const phones: NewLead['phones'] = [];
  for (const [i, raw] of rawPhones.entries()) {
    const n = normalisePhone(raw);
    if (!n.ok) return n.message;
    if (!phones.some((p) => p.e164 === n.e164)) phones.push({ e164: n.e164, primary: i === 0 });
  }
  return phones;
}

// Every column that is not a known one becomes a custom field.
function customFieldsOf(record: Record<string, string>): Record<string, string> {
  const customFields: Record<string, string> = {};
  for (const [h, v] of Object.entries(record))
    if (!KNOWN.has(key(h)) && key(h) !== 'firstname' && v) customFields[h.trim()] = v.trim();
  return customFields;
}
