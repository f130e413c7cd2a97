import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { whenChanged } from '../support/changes.js';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';

/**
 * Sealed tenants (issue 11): one account's input, however large, deep or broken, cannot crash,
 * stall or exhaust the process every account shares. Each test is one row of the issue's table,
 * driven over a real socket the way a careless or hostile CI job would.
 */
let em: RunningEmulator;
beforeAll(async () => { em = await startEmulator(defaultConfig()); });
afterAll(() => em.close());

/** Heap and buffer bytes still reachable after a full garbage collection. */
function retained(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

async function call(key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${em.url}${path}`, {
    method, headers: { ...auth(key), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, bytes: Buffer.byteLength(text) };
}

/**
 * Sends the head and the first bytes of a body, then closes the connection once the server has
 * begun the request (Node announces each one on the `http.server.request.start` diagnostics
 * channel, after reading its head): a client gone mid-upload.
 */
function abortedUpload(key: string, path: string, sent = '{"from":"+1555', length = 1000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = (message: unknown) => {
      if ((message as { socket: Socket }).socket.remotePort !== socket.localPort) return;
      unsubscribe('http.server.request.start', started);
      socket.destroy();
      resolve();
    };
    subscribe('http.server.request.start', started);
    const socket = connect(em.port, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\n`
        + `content-type: application/json\r\ncontent-length: ${length}\r\n\r\n${sent}`);
    });
    socket.on('error', (err) => {
      unsubscribe('http.server.request.start', started);
      reject(err);
    });
  });
}

/** The account's request journal once it has an entry (re-read on each change the account notifies). */
const journaled = (key: string) => whenChanged(em, key, async () => {
  const journal = await call(key, 'GET', '/_mock/requests');
  return journal.json?.data?.length ? journal : undefined;
}, { what: 'a journaled request' });

/** A raw HTTP exchange: what Node's parser makes of bytes no client library would send. */
function raw(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(em.port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), 3_000);
  });
}

/** POSTs `size` bytes with `Transfer-Encoding: chunked` (no Content-Length), 64 KiB a chunk. */
function chunkedPost(key: string, path: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${em.url}${path}`, { method: 'POST', headers: auth(key) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    const prefix = '{"client_state":"';
    const chunk = 'x'.repeat(64 * 1024);
    req.write(prefix);
    let left = size - prefix.length - 2;
    while (left > 0) {
      req.write(left >= chunk.length ? chunk : chunk.slice(0, left));
      left -= chunk.length;
    }
    req.end('"}');
  });
}

async function answeredCaller(key: string): Promise<string> {
  const res = await call(key, 'POST', '/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c', answered: true });
  expect(res.status).toBe(201);
  return res.json.data.call_control_id;
}

const mb = (n: number) => n * 1024 * 1024;

describe('row 1: a million digits, then the webhook log read unpaged', () => {
  it('refuses the press step beyond 128 digits, and the log comes back a page at a time: RSS stays within 150 MB of where it started', async () => {
    const key = 'KEY_row1';
    const press = await call(key, 'POST', '/_mock/scenarios/run', {
      name: 'million', steps: [{ call: 'alice', from: '+15550001000', to: '+15559990000', answered: true }, { press: 'alice', digits: '1'.repeat(1_000_000) }],
    });
    expect(press.status).toBe(422);
    expect(press.json.errors[0].source).toEqual({ pointer: '/steps/1/digits' });

    // 160 callers pressing 128 keys each: 20,480 call.dtmf.received events in the log.
    for (let i = 0; i < 160; i++) {
      const id = await answeredCaller(key);
      expect((await call(key, 'POST', `/_mock/calls/${encodeURIComponent(id)}/dtmf`, { digits: '1'.repeat(128) })).status).toBe(200);
    }
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 10; i++) {
      const log = await call(key, 'GET', '/_mock/webhooks');
      expect(log.status).toBe(200);
      expect(log.json.data).toHaveLength(250);
      expect(log.json.meta).toMatchObject({ page_number: 1, page_size: 250, total_results: 160 * 130 });
      expect(log.bytes).toBeLessThan(mb(1));
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(mb(150));
    expect((await call(key, 'GET', '/_mock/webhooks?page[size]=251')).status).toBe(422);
  });
});

describe('row 7: a client that drops mid-body while a fault is armed', () => {
  it('is journaled as aborted, and the journal keeps answering', async () => {
    const key = 'KEY_row7';
    expect((await call(key, 'POST', '/_mock/faults', { path: '/v2/calls', method: 'POST', status: 503 })).status).toBe(201);
    await abortedUpload(key, '/v2/calls');
    const journal = await journaled(key);
    expect(journal.status).toBe(200);
    expect(journal.json.data).toEqual([expect.objectContaining({ method: 'POST', path: '/v2/calls', status: 503, aborted: true, body: null })]);
  });
});

describe('row 8: a body nested 20,000 deep', () => {
  it('is refused with 400 pointing into it, and the journal re-serves it as received', async () => {
    const key = 'KEY_row8';
    const deep = `{"to":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect(Buffer.byteLength(deep)).toBeLessThan(64 * 1024);
    const res = await call(key, 'POST', '/v2/calls', deep);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].source.pointer).toMatch(/^\/to(\/0)+$/);
    const journal = await call(key, 'GET', '/_mock/requests');
    expect(journal.status).toBe(200);
    expect(journal.text).toContain(deep);
    expect(journal.json.data[0]).toMatchObject({ path: '/v2/calls', status: 400 });
  });
});

describe('row 9: chunked bodies of almost 1 MiB', () => {
  it('are journaled by their size (counted in bytes read), not kept: 100 of them leave less than 50 MB behind (kept, 100 MiB)', async () => {
    const key = 'KEY_row9';
    const id = await answeredCaller(key);
    const path = `/v2/calls/${encodeURIComponent(id)}/actions/answer`;
    // What is still reachable after a full collection: kept, the bodies would be 100 MiB; not kept,
    // 9 MB stays alone and up to 22 MB in a loaded full run (sockets still closing hold their
    // buffers). RSS, the figure this test read before, also counts memory freed but not yet
    // returned to the system, which swung between 42 and 56 MB from run to run.
    const before = retained();
    for (let i = 0; i < 100; i++) expect(await chunkedPost(key, path, mb(1) - 1024)).toBe(422);
    expect(retained() - before).toBeLessThan(50 * 1024 * 1024);
    const journal = await call(key, 'GET', '/_mock/requests?limit=1');
    expect(journal.json.data[0].body).toBe(`[${mb(1) - 1024} bytes, not kept]`);
    // Past the 1 MiB cap, chunked or not, the body is refused unread.
    expect(await chunkedPost(key, path, mb(1) + 1)).toBe(413);
    expect((await call(key, 'GET', '/_mock/requests?limit=1')).json.data[0]).toMatchObject({ status: 413, body: '[more than 1048576 bytes, not kept]' });
  });
});

describe('row 10: action and resource names that are Object.prototype properties', () => {
  const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

  it('are unknown actions (404) on calls and conferences, and never a 5xx anywhere', async () => {
    const key = 'KEY_row10';
    const id = encodeURIComponent(await answeredCaller(key));
    for (const name of names) {
      for (const path of [`/v2/calls/${id}/actions/${name}`, `/v2/conferences/x/actions/${name}`]) {
        const res = await call(key, 'POST', path, {});
        expect(res.status, path).toBe(404);
        expect(res.json.errors[0].code).toBe('10007');
      }
      for (const [method, path] of [
        ['GET', `/v2/calls/${name}`], ['GET', `/v2/conferences/${name}`], ['GET', `/v2/queues/${name}`],
        ['GET', `/v2/queues/${name}/calls`], ['POST', `/v2/${name}`], ['GET', `/_mock/${name}`],
        ['GET', `/_mock/numbers/${name}`], ['GET', `/_mock/connections/${name}`], ['POST', `/_mock/calls/${name}/hangup`],
        ['DELETE', `/_mock/faults/${name}`], ['GET', `/v2/calls/${id}/actions/${name}`],
      ]) {
        const res = await call(key, method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        expect(res.json.errors).toHaveLength(1);
      }
    }
  });
});

describe('row 11: scenarios nested 10,000 deep, alias bombs and 30 MiB of YAML', () => {
  const key = 'KEY_row11';
  const yaml = (text: string, headers: Record<string, string> = {}) =>
    call(key, 'POST', '/_mock/scenarios/run', text, { 'content-type': 'application/yaml', ...headers });

  it('refuses a payload nested 10,000 deep with a 4xx pointing at it', async () => {
    const payload = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const res = await call(key, 'POST', '/_mock/scenarios/run',
      `{"name":"deep","steps":[{"call":"alice","from":"+15550001000","to":"+15559990000"},{"wait":{"webhook":"call.initiated","payload":${payload}}}]}`);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].source.pointer).toMatch(/^\/steps\/1\/wait\/payload(\/a)+$/);
    // The same as YAML text inside JSON, and as a YAML upload.
    const asText = await call(key, 'POST', '/_mock/scenarios/run', { scenario: `name: deep\nsteps:\n  - wait: {webhook: x, payload: ${payload}}\n` });
    expect(asText.status).toBeGreaterThanOrEqual(400);
    expect(asText.status).toBeLessThan(500);
    expect(asText.json.errors[0].source.pointer).toMatch(/^\/scenario/);
  });

  it('refuses a YAML alias bomb with a 422 instead of expanding it', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
    const res = await yaml(`${levels.join('\n')}\nname: bomb\nsteps: [*l7]\n`);
    expect(res.status).toBe(422);
    expect(res.json.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/' } });
    expect(res.json.errors[0].detail).toMatch(/too many YAML aliases/);
  });

  it('refuses 30 MiB of YAML with 413, chunked or not, and a scenario of more than 1000 steps with 422', async () => {
    const big = `name: big\nsteps:\n${'  - advance: 1\n'.repeat(mb(30) / 15)}`;
    expect((await yaml(big)).status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${em.url}/_mock/scenarios/run`, { method: 'POST', headers: { ...auth(key), 'content-type': 'application/yaml' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // The server answers 413 and closes while the rest is still being written: expected, not an error.
      req.on('socket', (socket) => socket.on('error', () => {}));
      for (let i = 0; i < 30; i++) req.write(big.slice(i * mb(1), (i + 1) * mb(1)));
      req.end();
    });
    expect(chunked).toBe(413);
    const many = await yaml(`name: many\nsteps:\n${'  - advance: 1\n'.repeat(1001)}`);
    expect(many.status).toBe(422);
    expect(many.json.errors[0].source).toEqual({ pointer: '/steps' });
  });
});

describe('row 12: an aborted upload', () => {
  it('is journaled as aborted (400), not as a 500, and logs no stack trace', async () => {
    const key = 'KEY_row12';
    const logged = vi.spyOn(console, 'error');
    try {
      await abortedUpload(key, '/v2/calls');
      const journal = await journaled(key);
      expect(journal.json.data).toEqual([expect.objectContaining({ path: '/v2/calls', status: 400, aborted: true })]);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});

describe("issue 9: the journal keeps the body of every request, including those that hit no route", () => {
  it('journals a 404 with its body', async () => {
    const key = 'KEY_row_404';
    expect((await call(key, 'POST', '/v2/no/such/route', { hello: 'world' })).status).toBe(404);
    const journal = await call(key, 'GET', '/_mock/requests');
    expect(journal.json.data).toEqual([expect.objectContaining({ path: '/v2/no/such/route', status: 404, body: { hello: 'world' } })]);
  });
});

describe("row 14: what Node's HTTP parser refuses", () => {
  const errorOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)).errors[0];

  it('answers headers over 16 KiB with 431 in Telnyx\'s error shape', async () => {
    const response = await raw(Buffer.from(`GET /v2/calls HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(17 * 1024)}\r\n\r\n`));
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(response).toMatch(/content-type: application\/json/i);
    expect(errorOf(response)).toMatchObject({
      code: '10015', title: 'Request header fields too large', detail: 'The request headers are too large (at most 16 KiB in all).',
    });
  });

  it('answers raw non-ASCII bytes in the request line with 400 in Telnyx\'s error shape', async () => {
    const response = await raw(Buffer.concat([Buffer.from('GET /v2/'), Buffer.from([0x01, 0xff, 0x7f]), Buffer.from(' HTTP/1.1\r\nhost: x\r\n\r\n')]));
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(errorOf(response)).toMatchObject({ code: '10015', title: 'Bad Request' });
  });
});

describe('row 15: reset of every account with TELNYX_MOCK_ADMIN_KEY set', () => {
  it('is refused (403) from any other key and changes nothing; the admin key may', async () => {
    const guarded = await startEmulator(defaultConfig({ adminKey: 'KEY_admin' }));
    try {
      const post = (key: string, path: string, body: unknown) => fetch(`${guarded.url}${path}`, {
        method: 'POST', headers: auth(key), body: JSON.stringify(body),
      });
      expect((await post('KEY_victim', '/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c' })).status).toBe(201);
      const refused = await post('KEY_tenant', '/_mock/reset', { all: true });
      expect(refused.status).toBe(403);
      expect((await refused.json()).errors[0]).toMatchObject({ code: '10010', title: 'Not authorized', source: { pointer: '/' } });
      const victimLog = async () => (await (await fetch(`${guarded.url}/_mock/webhooks`, { headers: auth('KEY_victim') })).json()).meta.total_results;
      expect(await victimLog()).toBe(1);
      // Its own account is still the tenant's to clear.
      expect((await post('KEY_tenant', '/_mock/reset', {})).status).toBe(200);
      expect((await post('KEY_admin', '/_mock/reset', { all: true })).status).toBe(200);
      expect(await victimLog()).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});

describe("row 15: the console's account picker with TELNYX_MOCK_ADMIN_KEY set", () => {
  it('lists other accounts to the admin key only', async () => {
    const guarded = await startEmulator(defaultConfig({ adminKey: 'KEY_admin' }));
    try {
      await fetch(`${guarded.url}/_mock/calls`, {
        method: 'POST', headers: auth('KEY_victim'),
        body: JSON.stringify({ from: '+15550001000', to: '+15559990000', connection_id: 'c' }),
      });
      const list = (key: string) => fetch(`${guarded.url}/console/api/accounts`, { headers: auth(key) });
      const refused = await list('KEY_tenant');
      expect(refused.status).toBe(403);
      expect((await refused.json()).errors[0]).toMatchObject({ code: '10010' });
      const keys = (await (await list('KEY_admin')).json()).data.map((a: { key: string }) => a.key);
      expect(keys).toContain('KEY_victim');
    } finally {
      await guarded.close();
    }
  });
});

describe('row 7: DNS rebinding, over a real socket', () => {
  /** A GET with the Host header a browser sends after a rebound name resolved to this machine. */
  const getWithHost = (path: string, host: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(em.url);
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers: { host, authorization: 'Bearer KEY_rebind' } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

  it("refuses the console's account list and /_mock to a Host that is not this server's, and answers its own names", async () => {
    const port = new URL(em.url).port;
    for (const path of ['/console/api/accounts', '/_mock/webhooks']) {
      const rebound = await getWithHost(path, `attacker.example:${port}`);
      expect(rebound.status, path).toBe(403);
      expect(JSON.parse(rebound.body).errors[0].detail).toContain("is not this server's address");
      expect((await getWithHost(path, `localhost:${port}`)).status, path).toBe(200);
      expect((await getWithHost(path, `127.0.0.1:${port}`)).status, path).toBe(200);
    }
  });
});

describe('webhook_url takes only http: and https: URLs', () => {
  it('refuses other schemes with 422 on every body that takes one', async () => {
    const key = 'KEY_urls';
    const id = encodeURIComponent(await answeredCaller(key));
    const ringing = await call(key, 'POST', '/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c' });
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://example.com/x', 'data:text/plain,x', 'not a url']) {
      for (const [path, body] of [
        ['/v2/calls', { connection_id: 'c', from: '+15550001000', to: '+15559990001', webhook_url: url }],
        [`/v2/calls/${encodeURIComponent(ringing.json.data.call_control_id)}/actions/answer`, { webhook_url: url }],
        ['/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c', webhook_url: url }],
        ['/_mock/scenarios/run', { scenario: { name: 'x', steps: [{ advance: 1 }] }, webhook_url: url }],
        ['/_mock/scenarios/run', { name: 'x', webhook_url: url, steps: [{ advance: 1 }] }],
      ] as const) {
        const res = await call(key, 'POST', path, body);
        expect(res.status, `${path} ${url}`).toBe(422);
        expect(res.json.errors[0].source.pointer, path).toMatch(/webhook_url$/);
      }
      const conn = await call(key, 'PUT', '/_mock/connections/c1', { webhook_failover_url: url });
      expect(conn.status).toBe(422);
      expect(conn.json.errors[0].source).toEqual({ pointer: '/webhook_failover_url' });
    }
    expect(id).toBeTruthy();
  });
});

describe('the other /_mock lists and per-account collections are bounded too', () => {
  it('pages numbers and faults (250 at most), and arms at most 100 faults per account', async () => {
    const key = 'KEY_lists';
    for (let i = 0; i < 100; i++) {
      expect((await call(key, 'POST', '/_mock/faults', { path: `/v2/queues/q${i}`, status: 404 })).status).toBe(201);
    }
    const full = await call(key, 'POST', '/_mock/faults', { path: '/v2/queues/one-more', status: 404 });
    expect(full.status).toBe(422);
    expect(full.json.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/' } });
    const page = await call(key, 'GET', '/_mock/faults?page[size]=30&page[number]=4');
    expect(page.json.data).toHaveLength(10);
    expect(page.json.meta).toEqual({ page_number: 4, page_size: 30, total_pages: 4, total_results: 100 });
    expect((await call(key, 'GET', '/_mock/faults?page[size]=251')).status).toBe(422);

    for (const n of ['+15550002000', '+15550002001', '+15550002002']) {
      expect((await call(key, 'PUT', `/_mock/numbers/${encodeURIComponent(n)}`, { behaviour: 'busy' })).status).toBe(200);
    }
    const numbers = await call(key, 'GET', '/_mock/numbers?page[size]=2');
    expect(numbers.json.data).toHaveLength(2);
    expect(numbers.json.meta).toMatchObject({ total_pages: 2, total_results: 3 });
  });
});
