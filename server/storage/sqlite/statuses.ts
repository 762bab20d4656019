// Delivery statuses of our messages on SQLite: applied by the rank rule (shared/message-status.ts)
// with their history; a status that arrives before the provider's id is kept until setProviderId.
import type { MessageError, MessageStatus } from '../../../shared/domain';
import { applyStatus as rankStatus } from '../../../shared/message-status';
import type { MessageStore } from '../message-store';
import type { StatusApplyResult } from '../records';
import type { ProviderName } from '../saved-webhooks';
import { json, type SqliteConnection } from './connection';
import { readMessage } from './message-rows';
import type { SqliteUsage } from './usage';

interface EarlyStatusRow {
  n: number;
  provider: ProviderName;
  provider_message_id: string;
  status: MessageStatus;
  at: string;
  /** JSON of MessageError. */
  error: string | null;
}

type StatusesPart = Pick<
  MessageStore,
  'setProviderId' | 'applyStatus' | 'applyProviderStatus' | 'takeEarlyStatuses' | 'recordProviderAcceptance'
>;

export class SqliteStatuses implements StatusesPart {
  constructor(
    private readonly c: SqliteConnection,
    private readonly usage: Pick<SqliteUsage, 'bumpUsageSync'>,
  ) {}

  private applyStatusSync(
    messageId: string,
    status: MessageStatus,
    at: string,
    error: MessageError | null,
  ): StatusApplyResult | null {
    const cur = this.c.get<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = ?', messageId);
    if (!cur) return null;
    const change = rankStatus(cur.status, status);
    if (change.ignored) return { message: readMessage(this.c, messageId)!, changed: false };
    this.c.run(
      'INSERT INTO message_status_history (message_id, status, at, error) VALUES (?, ?, ?, ?)',
      messageId,
      status,
      at,
      error ? JSON.stringify(error) : null,
    );
    if (change.recordError && error)
      this.c.run(
        'UPDATE messages SET status = ?, error = ?, updated_at = ? WHERE id = ?',
        change.status,
        JSON.stringify(error),
        at,
        messageId,
      );
    else if (change.status !== 'failed')
      this.c.run(
        'UPDATE messages SET status = ?, error = NULL, updated_at = ? WHERE id = ?',
        change.status,
        at,
        messageId,
      );
    else this.c.run('UPDATE messages SET status = ?, updated_at = ? WHERE id = ?', change.status, at, messageId);
    return { message: readMessage(this.c, messageId)!, changed: true };
  }
  async applyStatus(messageId: string, status: MessageStatus, at: string, error: MessageError | null) {
    return this.c.tx(() => this.applyStatusSync(messageId, status, at, error));
  }
  async applyProviderStatus(
    provider: ProviderName,
    providerMessageId: string,
    status: MessageStatus,
    at: string,
    error: MessageError | null,
  ) {
    return this.c.tx(() => {
      const m = this.c.get<{ id: string }>(
        'SELECT id FROM messages WHERE provider = ? AND provider_message_id = ?',
        provider,
        providerMessageId,
      );
      if (!m) {
        this.c.run(
          'INSERT INTO early_statuses (provider, provider_message_id, status, at, error) VALUES (?, ?, ?, ?, ?)',
          provider,
          providerMessageId,
          status,
          at,
          error ? JSON.stringify(error) : null,
        );
        return null;
      }
      return this.applyStatusSync(m.id, status, at, error);
    });
  }
  async setProviderId(messageId: string, providerMessageId: string) {
    this.c.run('UPDATE messages SET provider_message_id = ? WHERE id = ?', providerMessageId, messageId);
  }
  async recordProviderAcceptance(a: Parameters<MessageStore['recordProviderAcceptance']>[0]) {
    return this.c.tx(() => {
      this.c.run('UPDATE messages SET provider_message_id = ? WHERE id = ?', a.providerMessageId, a.messageId);
      let latest = this.applyStatusSync(a.messageId, a.status, a.at, null)?.message ?? null;
      for (const early of this.takeEarlySync(a.provider, a.providerMessageId))
        latest = this.applyStatusSync(a.messageId, early.status, early.at, early.error)?.message ?? latest;
      for (const row of a.usage) this.usage.bumpUsageSync(row);
      return latest;
    });
  }
  async takeEarlyStatuses(provider: ProviderName, providerMessageId: string) {
    return this.c.tx(() => this.takeEarlySync(provider, providerMessageId));
  }
  private takeEarlySync(provider: ProviderName, providerMessageId: string) {
    const rows = this.c.all<EarlyStatusRow>(
      'SELECT * FROM early_statuses WHERE provider = ? AND provider_message_id = ? ORDER BY n',
      provider,
      providerMessageId,
    );
    this.c.run(
      'DELETE FROM early_statuses WHERE provider = ? AND provider_message_id = ?',
      provider,
      providerMessageId,
    );
    return rows.map((r) => ({ status: r.status, at: r.at, error: json<MessageError | null>(r.error, null) }));
  }
}
