import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { param } from '../http/body.js';
import { outgoingOf } from '../http/node-internals.js';
import type { Accounts } from '../commands/account.js';
import { recordingDownload, type RecordingDownload } from '../commands/recordings.js';
import { TelnyxError } from '../model/errors.js';
import { errorResponse } from '../http/errors.js';

/**
 * GET /_mock/recordings/{id}.{wav|mp3}: where call.recording.saved and conference.recording.saved
 * point. Mounted before the bearer check: like Telnyx's pre-signed URLs it works without a key,
 * so an app can hand it to any HTTP client; a key sent along must be the owner's.
 *
 * The file is streamed: each chunk is made when the client has taken the one before (a pull with
 * no read-ahead), so a download holds one chunk, not the file, however slowly it is read. A client
 * that leaves a chunk unread for the send timeout has its connection closed, which frees the
 * chunk and the download's slot in its account's quota.
 */
/** What a 429 for a full set of downloads asks the client to wait, in seconds. */
const RETRY_AFTER_SECS = '1';

export function recordingRoutes(accounts: Accounts) {
  const app = new Hono<Env>();
  app.get('/:file', (c) => {
    const auth = c.req.header('authorization');
    const key = auth && /^bearer /i.test(auth) ? auth.slice(7).trim() || undefined : undefined;
    let dl: RecordingDownload;
    try {
      dl = recordingDownload(accounts, param(c, 'file'), key);
    } catch (err) {
      // The account's downloads are all open: a slot frees when one ends, so say when to retry.
      if (!(err instanceof TelnyxError) || err.status !== 429) throw err;
      c.header('retry-after', RETRY_AFTER_SECS);
      return errorResponse(c, err);
    }
    const outgoing = outgoingOf(c);
    let offset = 0;
    let stall: NodeJS.Timeout | undefined;
    const unstall = () => { if (stall) clearTimeout(stall); stall = undefined; };
    if (outgoing) {
      // Sent in full, or the connection closed (by the client or the send timeout): slot freed.
      outgoing.once('finish', unstall);
      outgoing.once('close', () => { unstall(); dl.end(); });
    }
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        unstall();
        const chunk = dl.file.chunk(offset);
        offset += chunk.length;
        controller.enqueue(chunk);
        if (offset >= dl.file.size) {
          controller.close();
          // In process (app.request) the reader has it all: nothing is left to send.
          if (!outgoing) { dl.end(); return; }
        }
        // Until the client takes this chunk (the next pull, or the response's finish).
        stall = setTimeout(() => {
          stall = undefined;
          if (outgoing) outgoing.destroy();
          else {
            controller.error(new Error(`download stalled: no chunk read for ${dl.sendTimeoutMs} ms`));
            dl.end();
          }
        }, dl.sendTimeoutMs);
        stall.unref();
      },
      cancel() {
        unstall();
        dl.end();
      },
    }, { highWaterMark: 0 });
    return c.body(body, 200, {
      'content-type': dl.contentType,
      'content-length': String(dl.file.size),
      'cache-control': 'private, max-age=600',
    });
  });
  return app;
}
