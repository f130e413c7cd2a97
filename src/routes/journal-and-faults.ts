import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Env } from '../http/auth.js';
import { errorBody } from '../http/errors.js';
import { MAX_BODY_BYTES, hasNoBody, readBodyText } from '../http/body.js';
import { errors, TelnyxError } from '../model/errors.js';
import { MAX_JOURNAL_BODY_BYTES } from '../control/journal.js';
import { takeFault } from '../commands/faults.js';
import { recordRequest } from '../commands/requests.js';
import { ignoredFields } from '../commands/schema.js';
import type { Fault } from '../control/faults.js';

/** Seconds a client is asked to wait before retrying a 429 or 503: short, so SDK retries stay quick in tests. */
const RETRY_AFTER_SECS = '1';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The request journal and injected faults, as one middleware on /v2 (one layer, not two, since it
 * runs on every API call). Without faults the cost is a map lookup before and one ring-buffer write
 * after the route. The body is the route's cached read; one no route read (a 404's) is read here,
 * so every request is journaled with what it carried. Only settled text is journaled: a client
 * that vanishes mid-body settles the read as aborted, never leaves the journal waiting.
 */
export const journalAndFaults: MiddlewareHandler<Env> = async (c, next) => {
  const account = c.get('account');
  const at = account.now();
  const fault = takeFault(account, c.req.method, c.req.path);
  if (fault) {
    // A faulted request never reaches its route, so read the body here for the journal.
    const body = readBodyText(c);
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.status !== undefined) {
      recordRequest(account, { method: c.req.method, path: c.req.path, url: c.req.url, status: fault.status, at, ...await kept(body) });
      return faultResponse(fault);
    }
  }
  await next();
  // A bodiless request (every GET) is journaled at once: no read to settle, no tick to wait.
  const body = hasNoBody(c) ? { body: '' } : await kept(readBodyText(c));
  // The body's top-level fields the operation does not take (accepted, as Telnyx does): a typo shows here.
  const parsed = c.get('body');
  const ignored = parsed === undefined ? undefined : ignoredFields(parsed);
  recordRequest(account, {
    method: c.req.method, path: c.req.path, url: c.req.url, status: c.res.status, at, ...body,
    ...(ignored?.length ? { ignoredFields: ignored } : {}),
  });
};

/** What the journal keeps of a body: its text up to MAX_JOURNAL_BODY_BYTES (counted in bytes read), else a note. */
async function kept(read: Promise<string>): Promise<{ body: string | undefined; aborted?: boolean }> {
  let text: string;
  try {
    text = await read;
  } catch (err) {
    if (err instanceof TelnyxError && err.status === 413) return { body: `[more than ${MAX_BODY_BYTES} bytes, not kept]` };
    return { body: undefined, aborted: true };
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: short text needs no counting.
  if (text.length * 3 <= MAX_JOURNAL_BODY_BYTES) return { body: text };
  const bytes = Buffer.byteLength(text);
  return { body: bytes > MAX_JOURNAL_BODY_BYTES ? `[${bytes} bytes, not kept]` : text };
}

function faultResponse(fault: Fault): Response {
  const status = fault.status as ContentfulStatusCode;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429 || status === 503) headers['retry-after'] = RETRY_AFTER_SECS;
  for (const [k, v] of Object.entries(fault.headers ?? {})) headers[k.toLowerCase()] = v;
  return new Response(JSON.stringify(errorBody(errors.injected(status))), { status, headers });
}
