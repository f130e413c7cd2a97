import { and, eq, sql } from 'drizzle-orm';
import { connections } from '../../schema/index.js';
import type { Db } from '../store/db.js';
import type { WebhookRouting } from '../commands/engine.js';

export interface GlobalWebhookConfig {
  webhookUrl?: string;
  webhookFailoverUrl?: string;
}

/**
 * Telnyx's order of precedence for where a call's webhooks go: the `webhook_url` given when the
 * call was dialed, else the URL configured for its connection_id, else the global URL.
 */
export function webhookRouting(db: Db, global: GlobalWebhookConfig): WebhookRouting {
  const byConnection = db.select().from(connections)
    .where(and(eq(connections.account, sql.placeholder('account')), eq(connections.connectionId, sql.placeholder('id'))))
    .prepare();
  return {
    resolve(account, call) {
      if (call?.webhookUrl) return { url: call.webhookUrl, failoverUrl: call.webhookFailoverUrl ?? null };
      if (call) {
        const row = byConnection.get({ account, id: call.connectionId });
        if (row?.webhookUrl) return { url: row.webhookUrl, failoverUrl: row.webhookFailoverUrl };
      }
      return { url: global.webhookUrl ?? null, failoverUrl: global.webhookFailoverUrl ?? null };
    },
  };
}
