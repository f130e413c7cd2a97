import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errors } from '../model/errors.js';
import { bearerKey } from '../http/auth.js';
import type { Accounts } from '../commands/account.js';
import * as consoleReads from '../commands/console.js';
import { attemptJson, logEntry } from '../serialize/control.js';
import { accountJson, consoleSnapshotJson, timelineEntryJson, type ServerInfo } from '../serialize/console.js';
import { requestJson } from '../serialize/requests.js';
import { LiveHub, type StreamCaps } from '../console/live.js';
import { signatureVerifies } from '../webhooks/sign.js';

const snapshotJson = (a: Parameters<typeof consoleReads.consoleSnapshot>[0]) =>
  JSON.stringify({ data: consoleSnapshotJson(consoleReads.consoleSnapshot(a)) });

/** Where the console lives; `/` redirects here. */
export const CONSOLE_PATH = '/console';

/** How often an idle event stream sends a comment, so proxies and browsers keep it open. */
const KEEPALIVE_MS = 15_000;

/**
 * fixtures/ of the package, found from this file in src/routes/ (tsx) or dist/src/routes/ (built),
 * or from the working directory (the Docker image copies it to /app/fixtures).
 */
function fixturesDir(): string | undefined {
  const candidates = [
    fileURLToPath(new URL('../../fixtures', import.meta.url)),
    fileURLToPath(new URL('../../../fixtures', import.meta.url)),
    `${process.cwd()}/fixtures`,
  ];
  return candidates.find((dir) => existsSync(dir));
}
const SCENARIO_FILE = /^[\w.-]+\.(?:json|ya?ml)$/;

/**
 * The live console: the page, its script and style (all from the package, nothing from a CDN),
 * and the read-only API it watches one account through. Everything the page changes, it changes
 * through /_mock and /v2, the same commands the control API and the app use.
 *
 * The account is the API key, given as `?key=` (an EventSource cannot send headers) or as a
 * bearer token. Watching an account does not count as using it.
 */
export function consoleRoutes(deps: { accounts: Accounts; publicKey: string; serverInfo?: ServerInfo; streamCaps?: StreamCaps }) {
  const app = new Hono();
  const { accounts } = deps;
  const hub = new LiveHub(deps.streamCaps);

  const keyOf = (c: Context) => c.req.query('key') || bearerKey(c.req.header('authorization'));
  const account = (c: Context) => {
    const key = keyOf(c);
    if (!key) throw errors.authenticationFailed();
    return accounts.peek(key);
  };

  app.get('/', (c) => {
    const url = c.req.url;
    const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    return c.redirect(`${CONSOLE_PATH}${query}`, 302);
  });
  // The page and its assets (hono/jsx and the client's source) load when first asked for, not at
  // start: most runs (CI) never open the console, and every start would pay for them.
  app.get(CONSOLE_PATH, async (c) => c.html((await import('../console/page.js')).consolePage({ publicKey: deps.publicKey })));
  app.get(`${CONSOLE_PATH}/assets/console.js`, async (c) =>
    c.body((await import('../console/client.js')).CONSOLE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get(`${CONSOLE_PATH}/assets/console.css`, async (c) =>
    c.body((await import('../console/styles.js')).CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));

  // The account picker's list: the keys asked about (the bearer and `?known=` ones the page
  // remembers); with TELNYX_MOCK_ADMIN_KEY set, every key used since start, to that key only.
  app.get(`${CONSOLE_PATH}/api/accounts`, (c) =>
    c.json({ data: consoleReads.listAccounts(accounts, keyOf(c) ?? '', c.req.queries('known') ?? []).map(accountJson) }));

  app.get(`${CONSOLE_PATH}/api/snapshot`, (c) =>
    c.body(snapshotJson(account(c)), 200, { 'content-type': 'application/json' }));

  app.get(`${CONSOLE_PATH}/api/timeline`, async (c) => {
    const q = (name: string) => c.req.query(name) || undefined;
    const page = await consoleReads.consoleTimeline(account(c), {
      call: q('call'), conference: q('conference'), offset: q('offset'), limit: q('limit'),
      errors: q('errors'), eventType: q('event_type'), text: q('text'),
    });
    return c.json({ data: { ...page, entries: page.entries.map(timelineEntryJson) } });
  });

  app.get(`${CONSOLE_PATH}/api/requests/:id`, async (c) =>
    c.json({ data: requestJson(consoleReads.timelineRequest(account(c), Number(c.req.param('id')))) }));

  app.get(`${CONSOLE_PATH}/api/webhooks/:seq`, (c) => {
    const row = consoleReads.timelineWebhook(account(c), Number(c.req.param('seq')));
    // Each attempt's body and headers as the dispatcher recorded them when it sent them, and whether
    // that signature verifies with the public key shown beside it (what the SDK's unwrap checks).
    const attempts = row.attempts.map((a) => {
      const json = attemptJson(a);
      return { ...json, signature_verified: json.headers && a.body !== undefined ? signatureVerifies(deps.publicKey, json.headers, a.body) : null };
    });
    return c.json({ data: { ...logEntry(row), seq: row.seq, attempts, public_key: deps.publicKey } });
  });

  // What this server is: version, key, where webhooks go by default, where state lives, its bounds.
  app.get(`${CONSOLE_PATH}/api/server`, (c) => c.json({ data: deps.serverInfo ?? null }));

  // Scenarios the package ships (fixtures/): listed, and read as text for the page to run through
  // POST /_mock/scenarios/run.
  app.get(`${CONSOLE_PATH}/api/fixtures`, async (c) => {
    const dir = fixturesDir();
    const names = dir ? (await readdir(dir)).filter((n) => SCENARIO_FILE.test(n)).sort() : [];
    return c.json({ data: names });
  });
  app.get(`${CONSOLE_PATH}/api/fixtures/:name`, async (c) => {
    const name = c.req.param('name');
    const dir = fixturesDir();
    if (!dir || !SCENARIO_FILE.test(name) || !existsSync(`${dir}/${name}`)) throw errors.notFound('Scenario');
    return c.text(await readFile(`${dir}/${name}`, 'utf8'));
  });

  // Live updates: a snapshot at once, then after every change a snapshot (state, clock) and a
  // `timeline` nudge (requests, webhooks), coalesced and computed once per account for all its
  // streams (see console/live.ts), up to the stream caps (429 past them).
  app.get(`${CONSOLE_PATH}/api/events`, (c) => {
    const a = account(c);
    const joined = hub.join({ id: a.id, subscribe: (fn) => a.changes.subscribe(fn), snapshot: () => snapshotJson(a) });
    if ('full' in joined) throw errors.tooManyStreams(joined.full, joined.max);
    return streamSSE(c, async (stream) => {
      const keepalive = setInterval(() => { void stream.write(': keepalive\n\n').catch(() => {}); }, KEEPALIVE_MS);
      const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
      try {
        joined.attach({
          snapshot: (data) => stream.writeSSE({ event: 'snapshot', data }),
          timeline: () => stream.writeSSE({ event: 'timeline', data: '{}' }),
        });
        await closed;
      } finally {
        clearInterval(keepalive);
        joined.leave();
      }
    });
  });

  return app;
}
