// SMS and WhatsApp templates on PostgreSQL: the TemplateStore part of the seam, mirroring sqlite.ts.
import type { TemplateRecord } from '../store';
import type { TemplateStore } from '../template-store';
import { json, newId, type Db, type Row } from './db';

const templateFrom = (r: Row): TemplateRecord => ({
  id: r.id,
  channel: r.channel,
  name: r.name,
  body: r.body,
  params: json(r.params, []),
  category: r.category ?? null,
  language: r.language ?? null,
  status: r.status ?? null,
  availableInConverse: !!r.available,
  updatedAt: r.updated_at,
});

export function templateStore(db: Db): TemplateStore {
  const getTemplate = async (id: string) => {
    const r = await db.one('SELECT * FROM templates WHERE id = $1', [id]);
    return r ? templateFrom(r) : null;
  };
  return {
    async upsertTemplate(t, at) {
      const id = t.id ?? newId('tpl');
      await db.run(
        `INSERT INTO templates (id, channel, name, body, params, category, language, status, available, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, name = excluded.name, body = excluded.body, params = excluded.params,
        category = excluded.category, language = excluded.language, status = excluded.status, available = excluded.available,
        updated_at = excluded.updated_at`,
        [
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
        ],
      );
      return (await getTemplate(id))!;
    },
    async deleteTemplate(id) {
      return (await db.run('DELETE FROM templates WHERE id = $1', [id])) > 0;
    },
    async listTemplates(channel) {
      return (
        await db.rows('SELECT * FROM templates WHERE ($1::text IS NULL OR channel = $1) ORDER BY channel, name', [
          channel,
        ])
      ).map(templateFrom);
    },
    getTemplate,
  };
}
