// A conversation's messages as the rows of its list: a day heading before each new day.
import type { MessageView } from '../../shared/domain';

export type ThreadRow =
  { kind: 'day'; key: string; day: string } | { kind: 'message'; key: string; message: MessageView };

/** Local calendar day of a timestamp, as YYYY-MM-DD (the rep's time zone). */
export function localDay(iso: string): string {
  const d = new Date(iso);
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${m}-${day}`;
}

export function threadRows(messages: readonly MessageView[]): ThreadRow[] {
  const rows: ThreadRow[] = [];
  let lastDay = '';
  for (const m of messages) {
    const day = localDay(m.createdAt);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${day}`, day });
      lastDay = day;
    }
    rows.push({ kind: 'message', key: m.id, message: m });
  }
  return rows;
}

/** Insert or replace messages (by id, or by the client id of a pending send), oldest first. */
export function upsertMessages(current: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  if (incoming.length === 0) return current as MessageView[];
  const next = [...current];
  for (const m of incoming) {
    let at = -1;
    for (let i = next.length - 1; i >= 0; i--) {
      const x = next[i];
      if (x.id === m.id || (m.clientId !== null && x.clientId === m.clientId)) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      next[at] = m;
      continue;
    }
    // New messages almost always belong at the end; walk back only as far as needed.
    let pos = next.length;
    const t = Date.parse(m.createdAt);
    while (pos > 0 && Date.parse(next[pos - 1].createdAt) > t) pos--;
    next.splice(pos, 0, m);
  }
  return next;
}

/** Put an older page before what is loaded (skipping any already there): linear, for long threads. */
export function prependOlder(older: readonly MessageView[], loaded: readonly MessageView[]): MessageView[] {
  const ids = new Set(loaded.map((m) => m.id));
  return [...older.filter((m) => !ids.has(m.id)), ...loaded];
}
