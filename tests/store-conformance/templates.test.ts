// SMS and WhatsApp templates: upserted by id, listed by channel then name.
import { expect, it } from 'vitest';
import type { TemplateRecord } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, unique } from './fixtures';

const whatsapp = (name: string): Omit<TemplateRecord, 'id' | 'updatedAt'> => ({
  channel: 'whatsapp',
  name,
  body: 'Hi {{1}}, your order {{2}} is ready',
  params: ['firstName', 'literal:A-17'],
  category: 'UTILITY',
  language: 'en_US',
  status: 'APPROVED',
  availableInConverse: true,
});

forEachStore('templates', (s) => {
  it('creates a template with a new id, updates it by id, and deletes it once', async () => {
    const store = s.store();
    const name = unique('order_ready');
    const made = await store.upsertTemplate(whatsapp(name), at(1));
    expect(made).toEqual({ id: made.id, ...whatsapp(name), updatedAt: at(1) });
    expect(await store.getTemplate(made.id)).toEqual(made);
    const paused = await store.upsertTemplate(
      { ...whatsapp(name), id: made.id, status: 'PAUSED', params: [], availableInConverse: false },
      at(2),
    );
    expect(paused).toEqual({ ...made, status: 'PAUSED', params: [], availableInConverse: false, updatedAt: at(2) });
    expect(await store.getTemplate(made.id)).toEqual(paused);
    expect(await store.deleteTemplate(made.id)).toBe(true);
    expect(await store.deleteTemplate(made.id)).toBe(false);
    expect(await store.getTemplate(made.id)).toBeNull();
  });

  it('keeps an SMS template with no WhatsApp fields, under the id it was given', async () => {
    const store = s.store();
    const id = unique('tpl');
    const sms = await store.upsertTemplate(
      {
        id,
        channel: 'sms',
        name: unique('Follow up'),
        body: 'Hi {{FirstName}}',
        params: [],
        category: null,
        language: null,
        status: null,
        availableInConverse: true,
      },
      at(3),
    );
    expect(sms.id).toBe(id);
    expect(await store.getTemplate(id)).toEqual({ ...sms, category: null, language: null, status: null });
  });

  it('lists templates by channel then name, or one channel', async () => {
    const store = s.store();
    const base = unique('t');
    const b = await store.upsertTemplate(whatsapp(`${base}-b`), at());
    const a = await store.upsertTemplate(whatsapp(`${base}-a`), at());
    const sms = await store.upsertTemplate(
      { ...whatsapp(`${base}-z`), channel: 'sms', category: null, language: null, status: null },
      at(),
    );
    const mine = (list: TemplateRecord[]) => list.filter((t) => t.name.startsWith(base));
    expect(mine(await store.listTemplates(null))).toEqual([sms, a, b]);
    expect(mine(await store.listTemplates('whatsapp'))).toEqual([a, b]);
    expect(mine(await store.listTemplates('sms'))).toEqual([sms]);
  });
});
