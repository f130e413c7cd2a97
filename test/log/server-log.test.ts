import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import Telnyx from 'telnyx';
import { bundled } from '../support/bundle.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { accountLabel } from '../../src/log.js';

/**
 * The server log, as a user sees it: `telnyx-mock serve` started in a process of its own, the app
 * using the official SDK, webhooks going to real receivers (one answering 200, one 500). One line
 * per /v2 request and per delivery attempt; failures by default, successes when asked.
 */
const KEY = 'KEY_server_log_secret_0123456789';
const LABEL = accountLabel(KEY);

let cliFile = '';
let ok: Receiver;
let bad: Receiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cliFile = await bundled('src/cli.ts');
  ok = await startReceiver(() => 200);
  bad = await startReceiver(() => 500);
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});
afterAll(async () => {
  await ok.close();
  await bad.close();
});

/** A server with these flags and log settings in its environment; its stdout kept as it arrives. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TELNYX_MOCK_')));
  const child = spawn(process.execPath, [cliFile, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Two attempts per URL, 25 ms apart: a failing receiver's whole story is told within the test.
    env: { ...clean, TELNYX_MOCK_WEBHOOK_ATTEMPTS: '2', TELNYX_MOCK_WEBHOOK_BACKOFF_MS: '25', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const until = async (check: (out: string) => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!check(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${what} in the server's output:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until((out) => /http:\/\/127\.0\.0\.1:\d+/.test(out), 'address');
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout)![0];
  return { url, until, output: () => stdout, stderr: () => stderr };
}

type Server = Awaited<ReturnType<typeof serve>>;

/**
 * What every run does: one request answered 200, one 422, a call whose webhook is delivered, one
 * whose webhook fails, and one with no webhook URL anywhere (its event fails without an attempt).
 */
async function traffic(server: Server) {
  const client = new Telnyx({ apiKey: KEY, baseURL: `${server.url}/v2`, maxRetries: 0 });
  await client.conferences.list();
  // CreateConferenceRequest: call_control_id is required.
  await expect(client.conferences.create({ name: 'standup' } as never)).rejects.toMatchObject({ status: 422 });
  const place = (webhookUrl?: string) => fetch(`${server.url}/_mock/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: '+15550001001', to: '+15550100000', connection_id: 'conn-log', webhook_url: webhookUrl }),
  }).then((res) => expect(res.status).toBe(201));
  const okBefore = ok.requests.length;
  const badBefore = bad.requests.length;
  await place(`${ok.url}/hook`);
  await place(`${bad.url}/hook`);
  await place();
  await ok.until(() => ok.requests.length >= okBefore + 1);
  await bad.until(() => bad.requests.length >= badBefore + 2);
}

const lines = (out: string) => out.split('\n').filter((l) => l.startsWith(LABEL));
const count = (out: string, re: RegExp) => out.split('\n').filter((l) => re.test(l)).length;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const TEXT = {
  ok200: new RegExp(`^${esc(LABEL)} GET /v2/conferences → 200 [0-9.]+ms$`),
  refused422: new RegExp(`^${esc(LABEL)} POST /v2/conferences → 422 [0-9.]+ms 10004 The 'call_control_id' parameter is required`),
  delivered: () => new RegExp(`^${esc(LABEL)} webhook call\\.initiated → ${esc(ok.url)}/hook 200 \\(attempt 1 of 2\\)$`),
  failedFirst: () => new RegExp(`^${esc(LABEL)} webhook call\\.initiated → ${esc(bad.url)}/hook 500 \\(attempt 1 of 2, retry in 25ms\\)$`),
  failedLast: () => new RegExp(`^${esc(LABEL)} webhook call\\.initiated → ${esc(bad.url)}/hook 500 \\(attempt 2 of 2, gave up\\)$`),
  noUrl: new RegExp(`^${esc(LABEL)} webhook call\\.initiated not sent: no webhook URL \\(give the call or its connection a webhook_url`),
};

describe('telnyx-mock serve --log requests,webhooks', () => {
  it('prints one text line per request and per delivery attempt, the key shown only as a label', async () => {
    const server = await serve(['--log', 'requests,webhooks']);
    await traffic(server);
    await server.until((out) => count(out, TEXT.failedLast()) === 1 && count(out, TEXT.delivered()) === 1
      && count(out, TEXT.noUrl) === 1, 'every attempt');
    const out = server.output();
    expect(count(out, TEXT.ok200)).toBe(1);
    expect(count(out, TEXT.refused422)).toBe(1);
    expect(count(out, TEXT.delivered())).toBe(1);
    expect(count(out, TEXT.failedFirst())).toBe(1);
    expect(count(out, TEXT.failedLast())).toBe(1);
    expect(count(out, TEXT.noUrl)).toBe(1);
    // Nothing else about this account: /_mock calls are the test's, not the app's, and are not logged.
    expect(lines(out)).toHaveLength(6);
    expect(LABEL).toMatch(/^KEY_…[0-9a-f]{6}$/);
    expect(out).not.toContain(KEY);
    expect(server.stderr()).toBe('');
  });

  it('prints JSON lines with TELNYX_MOCK_LOG and TELNYX_MOCK_LOG_FORMAT=json', async () => {
    const server = await serve([], { TELNYX_MOCK_LOG: 'requests,webhooks', TELNYX_MOCK_LOG_FORMAT: 'json' });
    await traffic(server);
    const entries = () => server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    await server.until(() => entries().filter((e) => e.type === 'webhook').length === 4, 'three attempts and one event not sent');
    const all = entries();
    expect(all.every((e) => e.account === LABEL && typeof e.time === 'string')).toBe(true);
    expect(all.filter((e) => e.type === 'request')).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v2/conferences', status: 200, duration_ms: expect.any(Number) }),
      expect.objectContaining({
        method: 'POST', path: '/v2/conferences', status: 422,
        error: expect.objectContaining({ code: '10004', title: 'Missing required parameter' }),
      }),
    ]);
    const webhooks = all.filter((e) => e.type === 'webhook');
    expect(webhooks.find((e) => e.url === `${ok.url}/hook`)).toMatchObject({
      event_type: 'call.initiated', status: 200, attempt: 1, max_attempts: 2, state: 'delivered',
    });
    expect(webhooks.filter((e) => e.url === `${bad.url}/hook`)).toEqual([
      expect.objectContaining({ event_type: 'call.initiated', status: 500, attempt: 1, state: 'pending', retry_in_ms: 25 }),
      expect.objectContaining({ event_type: 'call.initiated', status: 500, attempt: 2, state: 'failed' }),
    ]);
    expect(webhooks.filter((e) => e.url === null)).toEqual([
      expect.objectContaining({ event_type: 'call.initiated', attempt: 0, status: null, error: 'no webhook URL', state: 'failed' }),
    ]);
    expect(all).toHaveLength(6);
    expect(server.output()).not.toContain(KEY);
  });
});

describe('telnyx-mock serve without --log', () => {
  it('prints only the failures: the refused request and the failed attempts', async () => {
    const server = await serve([]);
    await traffic(server);
    await server.until((out) => count(out, TEXT.failedLast()) === 1 && count(out, TEXT.noUrl) === 1, 'last attempt');
    const out = server.output();
    expect(count(out, TEXT.refused422)).toBe(1);
    expect(count(out, TEXT.failedFirst())).toBe(1);
    expect(lines(out)).toHaveLength(4);
    expect(count(out, TEXT.ok200)).toBe(0);
    expect(count(out, TEXT.delivered())).toBe(0);
  });

  it('prints nothing of the traffic with --log none', async () => {
    const server = await serve(['--log', 'none']);
    await traffic(server);
    // The failed attempts are in (the receiver saw both); give a line time to show, were one printed.
    await new Promise((r) => setTimeout(r, 200));
    expect(lines(server.output())).toEqual([]);
  });

  it('refuses a word --log does not take, suggesting the one meant', async () => {
    const child = spawn(process.execPath, [cliFile, 'serve', '--port', '0', '--log', 'reqests'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("telnyx-mock: --log takes a list of requests, webhooks, errors, none, got 'reqests' (did you mean 'requests'?)");
  });
});
