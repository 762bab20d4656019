// Leads from a CSV file: one lead per row, bad rows reported with their line numbers and good
// rows kept. Columns (header names are case- and space-insensitive): first name, last name,
// email, phone (several separated by ";"; the first is primary), phone 2, phone 3, owner (email);
// any other column becomes a custom field.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { normalisePhone } from '../../shared/phone';
import type { NewLead } from '../storage/store';

export interface ImportProblem { line: number; message: string }
export interface ParsedRow { line: number; lead: Omit<NewLead, 'ownerId'>; ownerEmail: string | null }

const key = (h: string) => h.trim().toLowerCase().replace(/[\s_-]+/g, '');
const KNOWN = new Set(['firstname', 'lastname', 'email', 'phone', 'phones', 'phone1', 'phone2', 'phone3', 'mobile', 'owner', 'owneremail']);
const Email = z.string().email();

export function parseLeadsCsv(text: string): { rows: ParsedRow[]; problems: ImportProblem[] } {
  const rows: ParsedRow[] = [];
  const problems: ImportProblem[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: (h: string[]) => h.map((x) => x.trim()), skip_empty_lines: true, trim: true, info: true, relax_column_count: true, bom: true }) as never;
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
    if (!firstName) { problems.push({ line, message: 'first name is empty' }); continue; }
    const email = get('email') || null;
    if (email && !Email.safeParse(email).success) { problems.push({ line, message: `"${email}" is not an email address` }); continue; }
    const rawPhones = [get('phone', 'phones', 'phone1', 'mobile'), get('phone2'), get('phone3')].flatMap((p) => p.split(';')).map((p) => p.trim()).filter(Boolean);
    const phones: NewLead['phones'] = [];
    let bad: string | null = null;
    for (const [i, raw] of rawPhones.entries()) {
      const n = normalisePhone(raw);
      if (!n.ok) { bad = n.message; break; }
      if (!phones.some((p) => p.e164 === n.e164)) phones.push({ e164: n.e164, primary: i === 0 });
    }
    if (bad) { problems.push({ line, message: bad }); continue; }
    const customFields: Record<string, string> = {};
    for (const [h, v] of Object.entries(record)) if (!KNOWN.has(key(h)) && key(h) !== 'firstname' && v) customFields[h.trim()] = v.trim();
    rows.push({ line, lead: { firstName, lastName: get('lastname'), email, phones, customFields }, ownerEmail: get('owner', 'owneremail') || null });
  }
  return { rows, problems };
}
