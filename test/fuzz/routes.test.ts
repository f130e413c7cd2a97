import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from 'node:net';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { CALL_ACTIONS } from '../../src/commands/calls.js';
import { CONFERENCE_ACTIONS } from '../../src/commands/conferences.js';

/**
 * Random requests over every route (issue 11): random methods, paths (prototype names, junk,
 * percent-encoding, very long segments), bodies (valid-looking, wrong types, nested 20,000 deep,
 * megabytes of text, not JSON at all) and headers. Whatever comes, the answer is never a 5xx, every
 * error is in Telnyx's shape, nothing is logged as a crash, and the server still works after.
 * Most requests go through app.fetch (the same app, no socket) for speed; a smaller part goes over
 * a real socket, with the raw bytes no HTTP client would send. Seeded, so a failure replays.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 11);
const APP_REQUESTS = 10_000;
const SOCKET_REQUESTS = 400;

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
const r = prng(SEED);

const PROTO = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf', '__defineGetter__'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const KEYS = ['KEY_fuzz_a', 'KEY_fuzz_b', 'KEY_fuzz_c'];

/** Every route, with `:name` where a path segment goes. */
const ROUTES: Array<[string, string]> = [
  ['POST', '/v2/calls'], ['GET', '/v2/calls/:call'], ['POST', '/v2/calls/:call/actions/:call_action'],
  ['GET', '/v2/conferences'], ['POST', '/v2/conferences'], ['GET', '/v2/conferences/:conference'],
  ['GET', '/v2/conferences/:conference/participants'], ['GET', '/v2/conferences/:conference/participants/:call'],
  ['PATCH', '/v2/conferences/:conference/participants/:call'], ['POST', '/v2/conferences/:conference/actions/:conference_action'],
  ['GET', '/v2/queues'], ['POST', '/v2/queues'], ['GET', '/v2/queues/:queue'], ['POST', '/v2/queues/:queue'],
  ['DELETE', '/v2/queues/:queue'], ['GET', '/v2/queues/:queue/calls'], ['GET', '/v2/queues/:queue/calls/:call'],
  ['PATCH', '/v2/queues/:queue/calls/:call'], ['DELETE', '/v2/queues/:queue/calls/:call'],
  ['POST', '/_mock/calls'], ['GET', '/_mock/calls/:call'], ['POST', '/_mock/calls/:call/hangup'],
  ['POST', '/_mock/calls/:call/dtmf'], ['POST', '/_mock/calls/:call/speech'],
  ['GET', '/_mock/numbers'], ['GET', '/_mock/numbers/:number'], ['PUT', '/_mock/numbers/:number'], ['DELETE', '/_mock/numbers/:number'],
  ['GET', '/_mock/clock'], ['POST', '/_mock/clock/advance'], ['POST', '/_mock/clock/freeze'], ['POST', '/_mock/clock/unfreeze'],
  ['GET', '/_mock/requests'], ['DELETE', '/_mock/requests'], ['GET', '/_mock/faults'], ['POST', '/_mock/faults'],
  ['DELETE', '/_mock/faults'], ['DELETE', '/_mock/faults/:any'], ['GET', '/_mock/webhooks/public_key'],
  ['GET', '/_mock/webhooks'], ['DELETE', '/_mock/webhooks'], ['GET', '/_mock/connections/:any'],
  ['PUT', '/_mock/connections/:any'], ['DELETE', '/_mock/connections/:any'], ['POST', '/_mock/reset'],
  ['POST', '/_mock/scenarios/run'], ['POST', '/_mock/wait'], ['GET', '/_mock/health'],
  // provisioning
  ['GET', '/v2/call_control_applications'], ['POST', '/v2/call_control_applications'], ['GET', '/v2/call_control_applications/:any'],
  ['PATCH', '/v2/call_control_applications/:any'], ['DELETE', '/v2/call_control_applications/:any'],
  ['GET', '/v2/phone_numbers'], ['GET', '/v2/phone_numbers/:any'], ['PATCH', '/v2/phone_numbers/:any'], ['DELETE', '/v2/phone_numbers/:any'],
  ['GET', '/v2/phone_numbers/:any/voice'], ['PATCH', '/v2/phone_numbers/:any/voice'],
  ['GET', '/v2/number_orders'], ['POST', '/v2/number_orders'], ['GET', '/v2/number_orders/:any'], ['PATCH', '/v2/number_orders/:any'],
  ['GET', '/v2/connections'], ['GET', '/v2/connections/:any'], ['GET', '/v2/connections/:any/active_calls'],
  ['POST', '/_mock/phone_numbers'], ['DELETE', '/_mock/phone_numbers/:any'], ['GET', '/_mock/settings'], ['PUT', '/_mock/settings'],
  ['GET', '/:any'], ['POST', '/v2/:any'], ['GET', '/_mock/:any/:any'],
  // provisioning read back (issue 16): profiles, credential connections, telephony credentials
  ...['/v2/outbound_voice_profiles', '/v2/credential_connections', '/v2/telephony_credentials'].flatMap((base): Array<[string, string]> => [
    ['GET', base], ['POST', base], ['GET', `${base}/:any`], ['PATCH', `${base}/:any`], ['DELETE', `${base}/:any`],
  ]),
  ['POST', '/v2/telephony_credentials/:any/token'], ['GET', '/v2/messaging_profiles/:any'],
  // webhook faults (issue 17)
  ['GET', '/_mock/webhook_faults'], ['POST', '/_mock/webhook_faults'], ['DELETE', '/_mock/webhook_faults'], ['DELETE', '/_mock/webhook_faults/:any'],
];

/** Ids the server handed out, so many requests reach a real call, conference or queue. */
const known = { call: [] as string[], conference: [] as string[], queue: ['support', 'q1'] };

const junk = () => r.pick([
  ...PROTO, '', ' ', '%', '%zz', '%00', '%2F', '..', '.', 'a'.repeat(r.pick([300, 5000])), 'ü', '😀', '\u0000', 'null', '-1',
  '1e309', 'v3:x', '+15550001000', '[]', '{}', `x${r.int(1e6)}`,
]);
const segment = (kind: string): string => {
  if (r.chance(0.35)) return encodeURIComponent(junk());
  switch (kind) {
    case 'call': return encodeURIComponent(r.pick(known.call.length ? known.call : ['v3:none']));
    case 'conference': return r.pick(known.conference.length ? known.conference : ['none']);
    case 'queue': return r.pick(known.queue);
    case 'call_action': return r.pick([...CALL_ACTIONS.keys(), ...PROTO]);
    case 'conference_action': return r.pick([...CONFERENCE_ACTIONS.keys(), ...PROTO]);
    case 'number': return encodeURIComponent(r.pick(['+15550002000', '+15550002001', '15550002000']));
    default: return encodeURIComponent(junk());
  }
};

const FIELDS = [
  'from', 'to', 'connection_id', 'call_control_id', 'call_control_ids', 'client_state', 'answered', 'webhook_url',
  'webhook_failover_url', 'digits', 'state', 'name', 'max_size', 'queue_name', 'queue', 'behaviour', 'answer_after_secs',
  'seconds', 'duration', 'path', 'method', 'status', 'count', 'headers', 'all', 'reset', 'muted', 'on_hold', 'supervisor_role',
  'timeout_secs', 'audio_url', 'text', 'payload', 'command_id', 'beep_enabled', 'max_participants', 'steps', 'scenario',
  'start_conference_on_create', 'hold', 'end_conference_on_exit', 'whisper_call_control_ids', 'voice', 'loop', 'for', 'timeout_ms',
  'user_name', 'password', 'connection_name', 'inbound', 'outbound', 'tags', 'tag', 'expires_at', 'enabled', 'call_recording', ...PROTO,
];

/** A value of any kind; `depth` keeps ordinary values shallow (deep ones are made on purpose below). */
function value(depth = 0): unknown {
  const k = r.int(depth > 2 ? 9 : 12);
  switch (k) {
    case 0: return r.pick(known.call.length ? known.call : ['v3:none']);
    case 1: return r.pick(['+15550001000', '+15559990000', 'sip:a@b', '+1', '555', 'http://127.0.0.1:9/hook', 'javascript:x', 'ftp://x/y']);
    case 2: return r.pick([0, -1, 1, 3.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 128, 129, 250, 251, 400, 404, 422, 599, 600]);
    case 3: return r.chance(0.5);
    case 4: return null;
    case 5: return junk();
    case 6: return r.pick(['1234#*', 'ABCD', '1'.repeat(129), 'started', 'stopped', 'answer', 'busy', 'PT4H', '5s', 'P1000Y', 'barge', 'whisper']);
    case 7: return r.pick(['/v2/calls', '/v2/**', '/v2/conferences/*/actions/mute', '^/v2/.*$', '^(', 'x'.repeat(5000)]);
    case 8: return known.conference.length ? r.pick(known.conference) : 'none';
    case 9: return Array.from({ length: r.int(4) }, () => value(depth + 1));
    case 10: return object(depth + 1);
    default: return { [r.pick(FIELDS)]: value(depth + 1) };
  }
}

function object(depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(7); i > 0; i--) o[r.pick(FIELDS)] = value(depth);
  return o;
}

/** Nesting `levels` deep, as text (building it as an object would be the test's own stack at risk). */
const deep = (levels: number) => (r.chance(0.5)
  ? `{"a":${'['.repeat(levels)}1${']'.repeat(levels)}}`
  : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

const STEPS = [
  () => ({ call: r.pick(['alice', 'bob', '__proto__']), from: value(), to: r.pick(['+15559990000', '+15550002000']), answered: r.chance(0.5) }),
  () => ({ press: 'alice', digits: value() }),
  () => ({ advance: r.pick([1, '5s', 'PT1H', 'P2Y', -1, 'x']) }),
  () => ({ hangup: 'alice' }),
  () => ({ clock: r.pick(['freeze', 'unfreeze', 'stop']) }),
  () => ({ number: value(), behaviour: value() }),
  () => ({ wait: { call: 'alice', state: 'answered' }, timeout: r.pick(['1ms', '5ms', 0]) }),
  () => ({ wait: { webhook: 'call.answered', call: 'alice', payload: object(1) }, timeout: '2ms' }),
  () => ({ expect: { request: r.pick(['POST /v2/calls', 'GET ^(a+)+$', '/v2/**']), count: value() } }),
  () => ({ [r.pick(FIELDS)]: value() }),
];

/** A body: absent, an object of random fields, a scenario, deep, huge or not JSON at all. */
function body(path: string): { text?: string; type?: string } {
  const k = r.int(20);
  if (k === 0) return {};
  if (k === 1) return { text: deep(r.pick([31, 33, 200, 20_000])) };
  if (k === 2) return { text: JSON.stringify({ [r.pick(FIELDS)]: 'x'.repeat(r.pick([4097, 70_000, 300_000])) }) };
  if (k === 3 && r.chance(0.2)) return { text: 'x'.repeat(r.pick([1024 * 1024 + 1, 2 * 1024 * 1024])) };
  if (k === 4) return { text: r.pick(['', 'null', '[]', '123', '"x"', '{', '{"a":}', '\u0000\ud800', 'a: [b', 'name: x\nsteps: []']) };
  if (k === 5 || (k < 9 && path.includes('scenarios'))) {
    const scenario = { name: value(), steps: Array.from({ length: r.int(6) }, () => r.pick(STEPS)()), ...(r.chance(0.3) ? object() : {}) };
    if (r.chance(0.3)) return { text: yamlOf(scenario), type: 'application/yaml' };
    return { text: JSON.stringify(r.chance(0.5) ? { scenario, webhook_url: value(), reset: value() } : scenario) };
  }
  if (k === 6) {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 7; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    return { text: `${levels.join('\n')}\nname: bomb\nsteps: [*l6]\n`, type: 'application/yaml' };
  }
  return { text: JSON.stringify(object()) };
}

/** Good enough YAML for a scenario object: JSON is YAML. */
const yamlOf = (o: unknown) => JSON.stringify(o);

function headers(b: { text?: string; type?: string }): Record<string, string> {
  const h: Record<string, string> = {};
  const auth = r.int(12);
  if (auth < 10) h.authorization = `Bearer ${r.pick(KEYS)}`;
  else if (auth === 10) h.authorization = r.pick(['Bearer ', 'Basic abc', 'bearer', `Bearer ${'k'.repeat(4000)}`, 'Bearer __proto__']);
  h['content-type'] = b.type ?? r.pick(['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/yaml', 'text/yaml', 'x/y']);
  if (r.chance(0.15)) h.accept = 'application/x-ndjson';
  if (r.chance(0.2)) h[r.pick(['x-junk', 'idempotency-key', 'content-encoding', 'x-forwarded-for', 'telnyx-signature-ed25519'])] = r.pick(['', 'x', 'gzip', 'a'.repeat(2000)]);
  return h;
}

interface Sent { method: string; path: string; status: number; text: string }
const fivexx: Sent[] = [];
const badShape: Sent[] = [];

function check(s: Sent) {
  const short = { ...s, path: s.path.slice(0, 120), text: s.text.slice(0, 300) };
  if (s.status >= 500) fivexx.push(short);
  else if (s.status >= 400 && s.method !== 'HEAD') {
    try {
      const e = JSON.parse(s.text).errors?.[0];
      if (typeof e?.code !== 'string' || typeof e?.title !== 'string') badShape.push(short);
    } catch {
      badShape.push(short);
    }
  }
}

/** Learns the ids the server handed out, so later requests reach live resources. */
function learn(path: string, status: number, text: string) {
  if (status >= 300 || text.length > 100_000) return;
  try {
    const data = JSON.parse(text).data;
    if (typeof data?.call_control_id === 'string' && known.call.length < 200) known.call.push(data.call_control_id);
    if (path.startsWith('/v2/conferences') && typeof data?.id === 'string' && known.conference.length < 100) known.conference.push(data.id);
    if (path.startsWith('/v2/queues') && typeof data?.name === 'string' && known.queue.length < 50) known.queue.push(data.name);
  } catch { /* streamed or not JSON */ }
}

function randomRequest() {
  const [routeMethod, template] = r.pick(ROUTES);
  const method = r.chance(0.8) ? routeMethod : r.pick(METHODS);
  let path = template.replace(/:([a-z_]+)/g, (_, kind: string) => segment(kind));
  if (r.chance(0.15)) path += `?${r.pick(['page[size]=251', 'page[number]=0', 'page[size]=1&page[number]=2', 'limit=1001', 'status=99', 'after=-1', 'method=FETCH', 'filter[status]=x', 'event_type=%', 'page[size]=abc', `x=${'y'.repeat(3000)}`])}`;
  const b = method === 'GET' || method === 'HEAD' ? {} : body(path);
  return { method, path, body: b.text, headers: headers(b) };
}

/** Faults that answer 5xx or wait are the fuzz's own doing: disarmed at once, so 5xx stays a bug. */
async function disarm(send: (m: string, p: string, key: string) => Promise<unknown>, req: { path: string; headers: Record<string, string> }, status: number, text: string) {
  if (req.path.split('?')[0] !== '/_mock/faults' || status !== 201) return;
  const fault = JSON.parse(text).data;
  if ((fault.status ?? 0) >= 500 || fault.delay_ms) await send('DELETE', `/_mock/faults/${fault.id}`, req.headers.authorization.slice(7));
}

let em: RunningEmulator;
const logged = vi.spyOn(console, 'error');
beforeAll(async () => { em = await startEmulator(defaultConfig()); });
afterAll(async () => {
  logged.mockRestore();
  await em.close();
});

describe(`fuzz: ${APP_REQUESTS + SOCKET_REQUESTS} random requests over every route (seed ${SEED})`, () => {
  it('never answers 5xx, always answers errors in Telnyx\'s shape, logs no crash, and keeps working', async () => {
    const viaApp = async (method: string, path: string, key: string, text?: string, h: Record<string, string> = {}) => {
      const res = await em.app.fetch(new Request(`http://fuzz${path}`, { method, headers: { authorization: `Bearer ${key}`, ...h }, body: text }));
      return { status: res.status, text: method === 'HEAD' ? '' : await res.text() };
    };
    for (const key of KEYS) {
      for (let i = 0; i < 3; i++) learn('/_mock/calls', 201, (await viaApp('POST', '/_mock/calls', key, JSON.stringify({ from: '+15550001000', to: '+15559990000', connection_id: 'c', answered: true }), { 'content-type': 'application/json' })).text);
    }

    const started = Date.now();
    for (let i = 0; i < APP_REQUESTS; i++) {
      const req = randomRequest();
      let res: { status: number; text: string };
      try {
        const x = await em.app.fetch(new Request(`http://fuzz${req.path}`, { method: req.method, headers: req.headers, body: req.body }));
        res = { status: x.status, text: req.method === 'HEAD' ? '' : await x.text() };
      } catch (err) {
        throw new Error(`${req.method} ${req.path}: app.fetch threw ${(err as Error).stack}`);
      }
      check({ method: req.method, path: req.path, status: res.status, text: res.text });
      learn(req.path, res.status, res.text);
      await disarm((m, p, key) => viaApp(m, p, key), req, res.status, res.text);
    }

    const appDone = Date.now();
    for (let i = 0; i < SOCKET_REQUESTS; i++) {
      const req = randomRequest();
      if (i % 20 === 0) {
        // What only a raw socket sends: broken request lines, oversized headers, bodies cut short.
        await rawExchange(r.pick([
          `GET /v2/\u00ff\u0001 HTTP/1.1\r\nhost: x\r\n\r\n`,
          `GET /v2/calls HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
          `POST /v2/calls HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEYS[0]}\r\ncontent-length: 500\r\n\r\n{"from":`,
          `POST /v2/calls HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEYS[0]}\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n`,
          'NONSENSE\r\n\r\n',
        ]));
        continue;
      }
      const res = await fetch(`${em.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
      const text = req.method === 'HEAD' ? '' : await res.text();
      check({ method: req.method, path: req.path, status: res.status, text });
      learn(req.path, res.status, text);
      await disarm((m, p, key) => viaApp(m, p, key), req, res.status, text);
    }

    if (process.env.FUZZ_TIMING) console.log(`app.fetch part ${appDone - started} ms, socket part ${Date.now() - appDone} ms`);
    expect(fivexx.slice(0, 5)).toEqual([]);
    expect(badShape.slice(0, 5)).toEqual([]);
    expect(logged).not.toHaveBeenCalled();
    // Still healthy: it answers, and an ordinary flow works for a fresh account.
    expect((await fetch(`${em.url}/_mock/health`)).status).toBe(200);
    const placed = await fetch(`${em.url}/_mock/calls`, {
      method: 'POST', headers: { authorization: 'Bearer KEY_after_fuzz', 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550001000', to: '+15559990000', connection_id: 'c', answered: true }),
    });
    expect(placed.status).toBe(201);
    const id = (await placed.json()).data.call_control_id;
    const got = await fetch(`${em.url}/v2/calls/${encodeURIComponent(id)}`, { headers: { authorization: 'Bearer KEY_after_fuzz' } });
    expect((await got.json()).data.is_alive).toBe(true);
  }, 60_000);
});

/** Writes raw bytes and reads what comes back: never a 5xx, and any error in Telnyx's JSON shape. */
function rawExchange(bytes: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Sent and half-closed: the server sees the end at once (a body cut short is then cut short for good).
    const socket = connect(em.port, '127.0.0.1', () => socket.end(Buffer.from(bytes, 'latin1')));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    const done = () => {
      clearTimeout(cap);
      const response = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      if (status) check({ method: 'RAW', path: bytes.slice(0, 40), status, text: response.slice(response.indexOf('\r\n\r\n') + 4) });
      resolve();
    };
    socket.on('close', done);
    // What never gets a whole answer (a body cut short keeps the server waiting) ends here.
    const cap = setTimeout(() => socket.destroy(), 100);
    socket.on('timeout', reject);
  });
}

