import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Env } from '../http/auth.js';
import { errorBody } from '../http/errors.js';
import { readBodyText } from '../http/body.js';
import { cachedBodyText, incomingOf } from '../http/node-internals.js';
import { errors } from '../model/errors.js';
import { takeFault } from '../commands/faults.js';
import { recordRequest } from '../commands/requests.js';
import type { Fault } from '../control/faults.js';

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
export const journalAndFaults: MiddlewareHandler<Env> = async (c, next) => {
  const account = c.get('account');
  const at = account.now();
  const fault = takeFault(account, c.req.method, c.req.path);
  if (fault) {
    // A faulted request never reaches its route, so read the body here for the journal.
    const body = readBodyText(c);
    body.catch(() => {}); // a body too large to read is journaled without it
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.status !== undefined) {
      recordRequest(account, { method: c.req.method, path: c.req.path, url: c.req.url, status: fault.status, at, body });
      return faultResponse(fault);
    }
  }
  await next();
  const length = Number(incomingOf(c)?.headers['content-length'] ?? 0);
  recordRequest(account, {
    method: c.req.method, path: c.req.path, url: c.req.url, status: c.res.status, at,
    body: length > MAX_JOURNAL_BODY_BYTES ? Promise.resolve(`[${length} bytes, not kept]`) : cachedBodyText(c),
  });
};

function faultResponse(fault: Fault): Response {
  const status = fault.status as ContentfulStatusCode;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429 || status === 503) headers['retry-after'] = RETRY_AFTER_SECS;
  for (const [k, v] of Object.entries(fault.headers ?? {})) headers[k.toLowerCase()] = v;
  return new Response(JSON.stringify(errorBody(errors.injected(status))), { status, headers });
}
