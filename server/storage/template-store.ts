// SMS and WhatsApp templates: one part of the storage seam (server/storage/store.ts).
import type { Channel } from '../../shared/domain';
import type { TemplateRecord } from './records';

export interface TemplateStore {
  upsertTemplate(t: Omit<TemplateRecord, 'id' | 'updatedAt'> & { id?: string }, at: string): Promise<TemplateRecord>;
  deleteTemplate(id: string): Promise<boolean>;
  listTemplates(channel: Channel | null): Promise<TemplateRecord[]>;
  getTemplate(id: string): Promise<TemplateRecord | null>;
}
