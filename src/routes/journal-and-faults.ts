import type { MiddlewareHandler } from 'hono';
import type { Accounts } from '../commands/account.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Env } from '../http/auth.js';
import { errorBody } from '../http/errors.js';
import { MAX_BODY_BYTES, hasNoBody, readBodyText } from '../http/body.js';
import { errors, TelnyxError } from '../model/errors.js';
import { MAX_JOURNAL_BODY_BYTES } from '../control/journal.js';
import { takeFault } from '../commands/faults.js';
import { answerRequest, recordRequest } from '../commands/requests.js';
import { ignoredFields } from '../commands/schema.js';
import type { Fault } from '../control/faults.js';
import type { JournalAnswer, JournalItem } from '../control/journal.js';

/** Seconds a client is asked to wait before retrying a 429 or 503: short, so SDK retries stay quick in tests. */
const RETRY_AFTER_SECS = '1';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The request journal and injected faults, as one middleware on /v2 (one layer, not two, since it
 * runs on every API call). A request is journaled as it arrives, before its route runs, so nothing
 * it causes (a webhook, a change notification, a wait's answer) is observable before it is; how it
 * was answered (status, time taken, an error's body, ignored fields, a fault) is filled in after.
 * The body is the route's own cached read, awaited here first. Only settled text is journaled: a
 * client that vanishes mid-body settles the read as aborted, never leaves the journal waiting.
 */
export const journalAndFaults = (accounts: Pick<Accounts, 'leave'>): MiddlewareHandler<Env> => async (c, next) => {
  const account = c.get('account');
  try {
    const at = account.now();
    const started = performance.now();
    const fault = takeFault(account, c.req.method, c.req.path);
    // A bodiless request (every GET) is journaled at once: no read to settle, no tick to wait.
    const body = hasNoBody(c) ? NO_BODY : await kept(readBodyText(c));
    // Every field present from the start (the answer's unset): one object shape for every entry.
    const entry: JournalItem = {
      id: 0, method: c.req.method, path: c.req.path, url: c.req.url, status: null, at, body: body.body, aborted: body.aborted,
      ignoredFields: undefined, durationMs: undefined, errorBody: undefined, faultId: undefined,
    };
    const item = recordRequest(account, entry);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.status !== undefined) {
        const res = faultResponse(fault);
        answerRequest(account, item, {
          status: fault.status, durationMs: elapsed(started), faultId: fault.id, errorBody: faultBody(fault),
        });
        return res;
      }
    }
    await next();
    const status = c.res.status;
    const answer: JournalAnswer = { status, durationMs: elapsed(started) };
    // The body's top-level fields the operation does not take (accepted, as Telnyx does): a typo shows here.
    const parsed = c.get('body');
    if (parsed !== undefined) answer.ignoredFields = ignoredFields(parsed);
    if (status >= 400) answer.errorBody = await errorText(c.res);
    if (fault) answer.faultId = fault.id;
    answerRequest(account, item, answer);
  } finally {
    // The bearer middleware counted the request in flight for the account (auth.ts 'by-caller').
    accounts.leave(account);
  }
};

const NO_BODY: { body: string; aborted?: boolean } = { body: '' };

const elapsed = (since: number) => Math.round((performance.now() - since) * 1000) / 1000;

/** An error answer's body, kept as request bodies are (errors are small JSON; the answer itself is untouched). */
async function errorText(res: Response): Promise<string | undefined> {
  try {
    return (await kept(res.clone().text())).body;
  } catch {
    return undefined;
  }
}

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

function faultBody(fault: Fault): string {
  return JSON.stringify(errorBody(errors.injected(fault.status as ContentfulStatusCode)));
}

function faultResponse(fault: Fault): Response {
  const status = fault.status as ContentfulStatusCode;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429 || status === 503) headers['retry-after'] = RETRY_AFTER_SECS;
  for (const [k, v] of Object.entries(fault.headers ?? {})) headers[k.toLowerCase()] = v;
  return new Response(faultBody(fault), { status, headers });
}
