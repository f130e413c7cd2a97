import type { CallLeg, Connection } from '../model/entities.js';

export interface GlobalWebhookConfig {
  webhookUrl?: string;
  webhookFailoverUrl?: string;
}

/**
 * Telnyx's order of precedence for where a call's webhooks go: the `webhook_url` given when the
 * call was dialed, else the URL configured for its connection_id, else the global URL.
 */
export function webhookDestination(call: CallLeg | undefined,
  connections: { connection(connectionId: string): Connection | undefined },
  global: GlobalWebhookConfig): { url: string | null; failoverUrl: string | null } {
  if (call?.webhookUrl) return { url: call.webhookUrl, failoverUrl: call.webhookFailoverUrl ?? null };
  if (call) {
    const conn = connections.connection(call.connectionId);
    if (conn?.webhookUrl) return { url: conn.webhookUrl, failoverUrl: conn.webhookFailoverUrl };
  }
  return { url: global.webhookUrl ?? null, failoverUrl: global.webhookFailoverUrl ?? null };
}
