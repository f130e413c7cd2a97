import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { startReceiver } from '../support/receiver.js';

/**
 * POST /_mock/wait over real sockets: what only a socket shows (a client that hangs up, the
 * answer's latency through Node's HTTP stack) and the examples of docs/waits.md, run as
 * written: the curl lines with bash, the Ruby test with `ruby` when it is on PATH.
 */
const run = promisify(execFile);
const notes = readFileSync(new URL('../../docs/waits.md', import.meta.url), 'utf8');
/** The one fenced block of that language in the notes. */
function block(lang: string): string {
  const blocks = [...notes.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  expect(blocks, `docs/waits.md has one ${lang} block`).toHaveLength(1);
  return blocks[0];
}
const onPath = async (cmd: string) => run(cmd, ['--version']).then(() => true, () => false);
const hasRuby = await onPath('ruby');
const hasCurl = await onPath('curl');

let mock: TelnyxMock;
beforeEach(async () => { mock = await startMock({ apiKey: 'KEY_http_wait' }); });
afterEach(() => mock.close());

const listeners = (key: string) => mock.emulator.account(key).changes.listenerCount();

function post(key: string, path: string, body: object) {
  return fetch(mock.url + path, {
    method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
}

describe('POST /_mock/wait over a socket', () => {
  it('answers within 50 ms of the commit of the event it waits for (the median of 5)', async () => {
    // A median, so one pause of a loaded machine (a GC, a descheduled process) is not the verdict.
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const call = mock.placeCall({ from: '+15550001001', to: '+15559990000', answered: true });
      const answered = post(mock.apiKey, '/_mock/wait', {
        for: 'webhook', event_type: 'call.hangup', call_control_id: call.call_control_id, timeout_ms: 10_000,
      }).then(async (res) => ({ at: performance.now(), status: res.status, body: await res.json() }));
      await vi.waitFor(() => expect(listeners(mock.apiKey)).toBe(1));
      mock.hangup(call.call_control_id); // returns once the hang-up (and its webhook) committed
      const committed = performance.now();
      const { at, status, body } = await answered;
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ event_type: 'call.hangup', call_control_id: call.call_control_id });
      delays.push(at - committed);
    }
    expect(delays.sort((x, y) => x - y)[2], `ms from commit to answer: ${delays.map((d) => d.toFixed(1)).join(', ')}`).toBeLessThan(50);
  });

  it('releases the wait when the client hangs up', async () => {
    const req = request(`${mock.url}/_mock/wait`, {
      method: 'POST', headers: { authorization: `Bearer ${mock.apiKey}`, 'content-type': 'application/json' },
    });
    req.on('error', () => {});
    req.end(JSON.stringify({ for: 'webhook', event_type: 'call.hangup', timeout_ms: 600_000 }));
    await vi.waitFor(() => expect(listeners(mock.apiKey)).toBe(1));
    req.destroy();
    await vi.waitFor(() => expect(listeners(mock.apiKey)).toBe(0), { timeout: 5_000 });
  });

  it('parks 100 waits on one account at no cost to another: nothing wakes them, nothing they do runs', async () => {
    const W = 'KEY_parked';
    const abort = new AbortController();
    const waits = Array.from({ length: 100 }, () => fetch(`${mock.url}/_mock/wait`, {
      method: 'POST', signal: abort.signal, headers: { authorization: `Bearer ${W}`, 'content-type': 'application/json' },
      body: JSON.stringify({ for: 'webhook', event_type: 'call.bridged', timeout_ms: 60_000 }),
    }).catch(() => undefined));
    await vi.waitFor(() => expect(listeners(W)).toBe(100), { timeout: 10_000 });
    // Each account's waits are woken by that account's changes alone: another account's work
    // (writes, requests, webhooks) makes none of them probe. (Throughput: test/bench/parked-waits.ts.)
    let woken = 0;
    const unsubscribe = mock.emulator.account(W).changes.subscribe(() => { woken++; });
    const other = mock.as('KEY_neighbour');
    for (let i = 0; i < 20; i++) {
      const call = other.placeCall({ from: `+1555000${String(1000 + i)}`, to: '+15559990000', answered: true });
      await post('KEY_neighbour', `/v2/calls/${encodeURIComponent(call.call_control_id)}/actions/hangup`, {});
    }
    unsubscribe();
    expect(woken).toBe(0);
    expect(listeners(W)).toBe(100);
    abort.abort();
    await Promise.all(waits);
    await vi.waitFor(() => expect(listeners(W)).toBe(0), { timeout: 5_000 });
  }, 30_000);

  it('answers a delivery wait once the app\'s receiver took the webhook, with the attempt as sent', async () => {
    const receiver = await startReceiver((_d, i) => (i === 0 ? 500 : 200));
    try {
      const call = mock.placeCall({ from: '+15550001001', to: '+15559990000', webhookUrl: receiver.url });
      const res = await post(mock.apiKey, '/_mock/wait', {
        for: 'delivery', event_type: 'call.initiated', call_control_id: call.call_control_id, status: 'delivered', timeout_ms: 10_000,
      });
      expect(res.status).toBe(200);
      const { data } = await res.json();
      // The first attempt was refused (500), the retry taken: both are there, the body as signed and sent.
      expect(data).toMatchObject({ event_type: 'call.initiated', status: 'delivered', url: receiver.url });
      expect(data.attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);
      expect(data.body).toBe(receiver.requests[1].body);
      expect(await mock.waitForDelivery({ callControlId: call.call_control_id })).toEqual(data);
    } finally {
      await receiver.close();
    }
  });

  it.skipIf(!hasCurl)(`runs the notes' curl example${hasCurl ? '' : ' (skipped: no curl on PATH)'}`, async () => {
    const script = block('sh').replaceAll('localhost:5080', mock.url.replace('http://', ''));
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 20_000 });
    expect(JSON.parse(stdout).data).toMatchObject({ event_type: 'call.answered', data: { payload: { state: 'answered' } } });
  });

  it.skipIf(!hasRuby)(`runs the notes' Ruby test with Net::HTTP${hasRuby ? '' : ' (skipped: no ruby on PATH; apt-get install ruby)'}`, async () => {
    const { stdout } = await run('ruby', ['-e', block('ruby')], {
      timeout: 30_000, env: { ...process.env, TELNYX_MOCK_URL: mock.url, TELNYX_API_KEY: 'KEY_ruby' },
    });
    expect(stdout).toMatch(/^call\.answered for v3:\S+ \(webhook seq \d+\)\n$/);
    expect((await mock.as('KEY_ruby').webhooks({ eventType: 'call.answered' }))).toHaveLength(1);
  }, 40_000);
});
