import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { param } from '../http/body.js';
import type { Accounts } from '../commands/account.js';
import { recordingFile } from '../commands/recordings.js';

/**
 * GET /_mock/recordings/{id}.{wav|mp3}: where call.recording.saved and conference.recording.saved
 * point. Mounted before the bearer check: like Telnyx's pre-signed URLs it works without a key,
 * so an app can hand it to any HTTP client; a key sent along must be the owner's.
 */
export function recordingRoutes(accounts: Accounts) {
  const app = new Hono<Env>();
  app.get('/:file', (c) => {
    const auth = c.req.header('authorization');
    const key = auth && /^bearer /i.test(auth) ? auth.slice(7).trim() || undefined : undefined;
    const file = recordingFile(accounts, param(c, 'file'), key);
    return c.body(new Uint8Array(file.body), 200, {
      'content-type': file.contentType,
      'content-length': String(file.body.length),
      'cache-control': 'private, max-age=600',
    });
  });
  return app;
}
