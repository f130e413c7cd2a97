import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Env } from '../http/auth.js';
import { errorBody } from '../http/errors.js';
import { readBodyText } from '../http/validate.js';
import type { Control } from '../control/control.js';
import type { Fault } from '../control/faults.js';
import { decodePath } from '../control/journal.js';

/** Error codes and titles as Telnyx's spec gives them for these statuses (components.responses). */
const FAULT_ERRORS: Record<number, { code: string; title: string; detail: string }> = {
  408: { code: '10007', title: 'Request timeout', detail: 'The request timed out.' },
  409: { code: '10007', title: 'Conflict', detail: 'The request conflicts with another request.' },
  429: { code: '10011', title: 'Too many requests', detail: 'Too many requests, slow down.' },
  500: { code: '10007', title: 'Internal server error', detail: 'Internal server error' },
  502: { code: '10007', title: 'Bad gateway', detail: 'Bad gateway' },
  503: { code: '10007', title: 'Service unavailable', detail: 'Service unavailable' },
  504: { code: '10007', title: 'Gateway timeout', detail: 'Gateway timeout' },
};

/** Seconds a client is asked to wait before retrying a 429 or 503: short, so SDK retries stay quick in tests. */
const RETRY_AFTER_SECS = '1';

/** Larger bodies are journaled as their size alone, so a full ring of 1000 requests stays small. */
const MAX_JOURNAL_BODY_BYTES = 64 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The request journal and injected faults, as one middleware on /v2 (one layer, not two, since it
 * runs on every API call). Without faults the cost is a map lookup before and one ring-buffer write
 * after the route; the body is not read here, the route's cached read is kept by reference.
 */
export function journalAndFaults(control: Control): MiddlewareHandler<Env> {
  const { journal, faults } = control;
  const clock = control.engine.clock;
  return async (c, next) => {
    const account = c.get('account');
    const at = clock.now(account);
    const fault = faults.armed(account) ? faults.take(account, c.req.method, decodePath(c.req.path)) : undefined;
    if (fault) {
      // A faulted request never reaches its route, so read the body here for the journal.
      const body = readBodyText(c);
      body.catch(() => {}); // a body too large to read is journaled without it
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.status !== undefined) {
        journal.record(account, { method: c.req.method, path: c.req.path, url: c.req.url, status: fault.status, at, body });
        return faultResponse(fault);
      }
    }
    await next();
    const length = Number(c.env?.incoming?.headers['content-length'] ?? 0);
    journal.record(account, {
      method: c.req.method, path: c.req.path, url: c.req.url, status: c.res.status, at,
      // Hono caches the body read as a promise under `text` (typed as the resolved value).
      body: length > MAX_JOURNAL_BODY_BYTES ? Promise.resolve(`[${length} bytes, not kept]`)
        : c.req.bodyCache.text as Promise<string> | undefined,
    });
  };
}

function faultResponse(fault: Fault): Response {
  const status = fault.status as ContentfulStatusCode;
  const e = FAULT_ERRORS[status] ?? { code: '10007', title: 'Injected fault', detail: `Injected fault: HTTP ${status}.` };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429 || status === 503) headers['retry-after'] = RETRY_AFTER_SECS;
  for (const [k, v] of Object.entries(fault.headers ?? {})) headers[k.toLowerCase()] = v;
  return new Response(JSON.stringify(errorBody(e)), { status, headers });
}
