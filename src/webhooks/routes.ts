import { Hono, type Context } from 'hono';
import type { Env } from '../http/auth.js';
import { fields, param } from '../http/validate.js';
import { pageMeta, readPage } from '../http/paging.js';
import { errors } from '../domain/errors.js';
import { iso } from '../clock.js';
import { WEBHOOK_STATUSES, type WebhookStatus } from '../../schema/enums.js';
import type { WebhookEventRow } from '../store/repository.js';
import type { Connection, WebhookStore } from './store.js';
import { envelope } from './sign.js';

export interface WebhookRouteDeps {
  store: WebhookStore;
  publicKey: string;
  wallNow: () => number;
}

/** One delivery-log entry: what was recorded, where it went, each attempt, the exact body sent. */
export function logEntry(row: WebhookEventRow) {
  const last = row.attempts[row.attempts.length - 1];
  return {
    id: row.id,
    event_type: row.eventType,
    occurred_at: row.occurredAt,
    call_control_id: row.callControlId,
    conference_id: row.conferenceId,
    status: row.status,
    url: last?.url ?? row.url ?? row.failoverUrl,
    failover_url: row.failoverUrl,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' && row.nextAttemptAt ? iso(row.nextAttemptAt) : null,
    // The body is the stored data plus the last attempt's meta, rebuilt exactly as it was signed.
    body: last ? envelope(row.data, last.attempt, last.url) : null,
    data: JSON.parse(row.data) as unknown,
  };
}

function connectionJson(c: Connection) {
  return { record_type: 'connection', connection_id: c.connectionId, webhook_url: c.webhookUrl, webhook_failover_url: c.webhookFailoverUrl };
}

function webhookUrl(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.invalid(name, `The '${name}' parameter must be an absolute http or https URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw errors.invalid(name, `The '${name}' parameter must be an absolute http or https URL.`);
  }
  return value;
}

/** `event_type=` or Telnyx-style `filter[event_type]=`. */
const filterParam = (c: Context, name: string) => c.req.query(name) || c.req.query(`filter[${name}]`) || undefined;

const PAGE_PARAMS = ['page[number]', 'page[size]', 'page_number', 'page_size'];

/** /_mock routes of the webhook module: delivery log, public key, per-connection URLs. */
export function webhookRoutes(deps: WebhookRouteDeps) {
  const { store } = deps;
  const app = new Hono<Env>();

  app.get('/webhooks/public_key', (c) => c.json({ data: { public_key: deps.publicKey } }));

  app.get('/webhooks', (c) => {
    const status = filterParam(c, 'status');
    if (status !== undefined && !WEBHOOK_STATUSES.includes(status as WebhookStatus)) {
      throw errors.badEnum('status', WEBHOOK_STATUSES);
    }
    const filter = {
      eventType: filterParam(c, 'event_type'),
      callControlId: filterParam(c, 'call_control_id'),
      status: status as WebhookStatus | undefined,
    };
    // Without page parameters the whole log comes back: it is a test's record of what was sent.
    const paged = PAGE_PARAMS.some((name) => c.req.query(name) !== undefined);
    const page = paged ? readPage(c) : undefined;
    const { rows, total } = store.list(c.get('account'), filter, page);
    const meta = page ? pageMeta(page, total) : pageMeta({ number: 1, size: Math.max(total, 1) }, total);
    return c.json({ data: rows.map(logEntry), meta });
  });

  app.delete('/webhooks', (c) => {
    const deleted = store.clear(c.get('account'));
    return c.json({ data: { result: 'ok', deleted } });
  });

  app.get('/connections/:connection_id', (c) => {
    const conn = store.connection(c.get('account'), param(c, 'connection_id'));
    if (!conn) throw errors.notFound('Connection');
    return c.json({ data: connectionJson(conn) });
  });

  app.put('/connections/:connection_id', async (c) => {
    const f = await fields(c);
    const conn = store.saveConnection(c.get('account'), {
      connectionId: param(c, 'connection_id'),
      webhookUrl: webhookUrl(f.string('webhook_url'), 'webhook_url'),
      webhookFailoverUrl: webhookUrl(f.string('webhook_failover_url'), 'webhook_failover_url'),
    });
    return c.json({ data: connectionJson(conn) });
  });

  app.delete('/connections/:connection_id', (c) => {
    if (!store.deleteConnection(c.get('account'), param(c, 'connection_id'))) throw errors.notFound('Connection');
    return c.json({ data: { result: 'ok' } });
  });

  return app;
}
