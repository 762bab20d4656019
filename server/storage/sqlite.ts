// The embedded Store on SQLite (better-sqlite3, WAL): the parts, one per aggregate, are in
// sqlite/; this path stays the one its importers use.
export { SqliteStore } from './sqlite/store';
export { DatabaseTooNewError, openDatabase } from './sqlite/connection';
export { SqliteReminderStore } from './sqlite/reminders';
