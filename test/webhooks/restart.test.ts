import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReceiver, verifyAll, type Receiver } from '../support/receiver.js';
import { bundled } from '../support/bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEY = 'KEY_restart';

interface Server { child: ChildProcess; url: string; publicKey: string }

const children: ChildProcess[] = [];
let receiver: Receiver | undefined;
let dir: string | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  receiver = undefined;
  dir = undefined;
});

/** The real entry point (src/index.ts, bundled once: see test/support/bundle.ts) in its own process, on a free port. */
async function launch(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [await bundled('src/index.ts')], {
    cwd: root, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let url = '';
  const publicKey = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      url ||= /API base URL +(\S+)\/v2$/.exec(line)?.[1] ?? '';
      const key = /Webhook public key +(\S+)/.exec(line)?.[1];
      if (key) resolve(key);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url, publicKey };
}

const killed = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.kill('SIGKILL');
});

async function mock(server: Server, method: string, path: string, body?: object) {
  const res = await fetch(`${server.url}/_mock${path}`, {
    method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return res.json();
}

describe('webhooks across a crash', () => {
  it('delivers after a restart the events a killed server had not delivered, in order, without reusing an attempt number', async () => {
    dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-restart-'));
    receiver = await startReceiver(() => 'hang');
    const env = { TELNYX_MOCK_DB: join(dir, 'mock.db'), TELNYX_MOCK_WEBHOOK_URL: receiver.url, TELNYX_MOCK_WEBHOOK_TIMEOUT_MS: '60000' };

    const first = await launch(env);
    const calls = [];
    for (const from of ['+15550000001', '+15550000002', '+15550000003']) {
      calls.push((await mock(first, 'POST', '/calls', { from, to: '+15559990000', connection_id: 'conn-1', answered: true })).data.call_control_id);
    }
    // Each call's first event is in flight (the receiver never answers); the rest wait behind it.
    await receiver.until(() => receiver!.requests.length === 3);
    const before = (await mock(first, 'GET', '/webhooks')).data;
    expect(before.map((e: { status: string }) => e.status)).toEqual(Array(6).fill('pending'));
    await killed(first.child);

    receiver.respondWith(() => 200);
    const second = await launch(env);
    expect(second.publicKey).toBe(first.publicKey);
    const accepted = await receiver.accepts(6, 10_000);
    await verifyAll(second.publicKey, accepted);
    expect(accepted.map((d) => d.json.data.id).sort()).toEqual(before.map((e: { id: string }) => e.id).sort());
    for (const id of calls) {
      const mine = accepted.filter((d) => d.json.data.payload.call_control_id === id);
      expect(mine.map((d) => [d.json.data.event_type, d.json.meta.attempt])).toEqual([['call.initiated', 2], ['call.answered', 1]]);
    }

    const after = (await mock(second, 'GET', '/webhooks')).data;
    expect(after.every((e: { status: string }) => e.status === 'delivered')).toBe(true);
    const initiated = after.find((e: { event_type: string }) => e.event_type === 'call.initiated');
    expect(initiated.attempts).toMatchObject([
      { attempt: 1, status: null, error: 'interrupted: server stopped' },
      { attempt: 2, status: 200 },
    ]);
    await killed(second.child);
  });
});
