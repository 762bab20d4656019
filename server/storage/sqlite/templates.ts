// SMS and WhatsApp templates on SQLite.
import type { Channel } from '../../../shared/domain';
import type { TemplateRecord } from '../records';
import type { TemplateStore } from '../template-store';
import { json, newId, type SqliteConnection } from './connection';

interface TemplateRow {
  id: string;
  channel: Channel;
  name: string;
  body: string;
  /** JSON array of the parameter names. */
  params: string;
  category: TemplateRecord['category'];
  language: string | null;
  status: TemplateRecord['status'];
  available: number;
  updated_at: string;
}

const templateFrom = (r: TemplateRow): TemplateRecord => ({
  id: r.id,
  channel: r.channel,
  name: r.name,
  body: r.body,
  params: json<string[]>(r.params, []),
  category: r.category,
  language: r.language,
  status: r.status,
  availableInConverse: !!r.available,
  updatedAt: r.updated_at,
});

export class SqliteTemplates implements TemplateStore {
  constructor(private readonly c: SqliteConnection) {}

  async upsertTemplate(t: Omit<TemplateRecord, 'id' | 'updatedAt'> & { id?: string }, at: string) {
    const id = t.id ?? newId('tpl');
    this.c.run(
      `INSERT INTO templates (id, channel, name, body, params, category, language, status, available, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, name = excluded.name, body = excluded.body, params = excluded.params,
      category = excluded.category, language = excluded.language, status = excluded.status, available = excluded.available, updated_at = excluded.updated_at`,
      id,
      t.channel,
      t.name,
      t.body,
      JSON.stringify(t.params),
      t.category,
      t.language,
      t.status,
      t.availableInConverse ? 1 : 0,
      at,
    );
    return (await this.getTemplate(id))!;
  }
  async deleteTemplate(id: string) {
    return this.c.run('DELETE FROM templates WHERE id = ?', id).changes > 0;
  }
  async listTemplates(channel: Channel | null) {
    return this.c
      .all<TemplateRow>(
        'SELECT * FROM templates WHERE (? IS NULL OR channel = ?) ORDER BY channel, name',
        channel,
        channel,
      )
      .map(templateFrom);
  }
  async getTemplate(id: string) {
    const r = this.c.get<TemplateRow>('SELECT * FROM templates WHERE id = ?', id);
    return r ? templateFrom(r) : null;
  }
}
