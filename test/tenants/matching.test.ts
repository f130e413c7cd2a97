import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { bundled } from '../support/bundle.js';

/**
 * Sealed tenants, path matching (issue 11, row 2): a fault rule's or a scenario's path pattern is
 * matched on the event loop every account shares, so it must take time linear in the path
 * whatever the pattern. The server runs in a child process: a matcher that backtracks would stall
 * it (and only it), and the test sees that as a request that never answers.
 */
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  // The bench's server script, bundled once (test/support/bundle.ts): it starts without tsx's loader.
  child = spawn(process.execPath, [await bundled('test/bench/servers.ts'), 'empty'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  url = JSON.parse(line).url;
}, 30_000);
afterAll(() => { child?.kill('SIGKILL'); });

/** A request that must be answered within `ms` (a stalled server is a failure, not a hang). */
async function send(key: string, method: string, path: string, body?: object, ms = 5000) {
  const res = await fetch(url + path, {
    method, signal: AbortSignal.timeout(ms),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) as { errors?: { code: string; source?: { pointer?: string } }[] } };
}

describe('fault rules with patterns that make a backtracking engine take minutes', () => {
  it('match a 40-character path in time linear in the path: the regex ^/v2/calls/(a+)+$', async () => {
    expect((await send('KEY_regex', 'POST', '/_mock/faults', { path: '^/v2/calls/(a+)+$', status: 503 })).status).toBe(201);
    // The path that does not match: a backtracking engine tries 2^30 ways first.
    const miss = await send('KEY_regex', 'GET', `/v2/calls/${'a'.repeat(30)}!`);
    expect(miss.status).not.toBe(503);
    const hit = await send('KEY_regex', 'GET', `/v2/calls/${'a'.repeat(30)}`);
    expect(hit.status).toBe(503);
    // Another account is served all along.
    expect((await send('KEY_neighbour', 'GET', '/v2/queues')).status).toBe(200);
  });

  it('match a 60-character path in time linear in the path: the glob /v2/**a**a**…**b', async () => {
    const glob = `/v2/${'**a'.repeat(20)}**b`;
    expect((await send('KEY_glob', 'POST', '/_mock/faults', { path: glob, status: 503 })).status).toBe(201);
    for (let i = 0; i < 3; i++) {
      // A fault that never matches stays armed: every later request meets it again.
      const miss = await send('KEY_glob', 'GET', `/v2/${'a'.repeat(56)}`);
      expect(miss.status).not.toBe(503);
    }
    expect((await send('KEY_glob', 'GET', `/v2/${'a'.repeat(25)}/b`)).status).toBe(503);
    expect((await send('KEY_neighbour', 'GET', '/v2/queues')).status).toBe(200);
  });
});

describe('patterns no linear-time engine can run', () => {
  it.each([
    ['a backreference', '^/v2/calls/(a+)\\1$'],
    ['a lookahead', '^/v2/(?=calls)'],
    ['a lookbehind', '^/v2/calls(?<!x)/answer'],
  ])('are refused with 422 10015 and a pointer: %s', async (_what, path) => {
    const fault = await send('KEY_refused', 'POST', '/_mock/faults', { path, status: 503 });
    expect(fault.status).toBe(422);
    expect(fault.body.errors?.[0]).toMatchObject({ code: '10015', source: { pointer: '/path' } });

    const scenario = await send('KEY_refused', 'POST', '/_mock/scenarios/run', {
      scenario: { name: 'refused', steps: [{ expect: { request: `GET ${path}` } }] },
    });
    expect(scenario.status).toBe(422);
    expect(scenario.body.errors?.[0].source?.pointer).toMatch(/^\/scenario\/steps\/0/);
  });
});
