/**
 * The servers the benchmark compares, each run in its own process:
 *   ours  — the emulator, seeded through its own API;
 *   bare  — a bare Hono + better-sqlite3 route serving the same JSON from the same kind of rows
 *           with prepared statements and nothing else (no auth, no validation, no journal);
 *   empty — the emulator with nothing in it (the concurrent-joins case seeds its own accounts).
 * Prints one JSON line with the URL and the ids to request (`conferenceId`, one of
 * `conferenceIds`, all seeded with PARTICIPANTS unmuted participants), then serves until killed.
 *
 * `ours` seeds CONFERENCES; the runner (run.ts) tops it up through the API to BENCH_CONFERENCES,
 * as it does a previous build's `ours` (whatever that seeds). `bare` seeds BENCH_CONFERENCES rows
 * itself, the same shape: the first CONFERENCES with PARTICIPANTS participants, the rest with one
 * (the creator, as a conference created through the API has), and an index on the list's order as
 * ours has (conferences_account_expiry).
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import type { AddressInfo } from 'node:net';
import { startEmulator, defaultConfig } from '../../src/server.js';
import { placeCall } from '../../src/commands/callers.js';

export const KEY = 'KEY_bench';
const CONFERENCES = 20;
const PARTICIPANTS = 5;

async function ours() {
  const em = await startEmulator(defaultConfig());
  const post = async (path: string, body: object) => {
    const res = await fetch(`${em.url}/v2${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return res.json();
  };
  const newCall = (i: number) => placeCall(em.account(KEY), {
    from: `+1555${String(i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'bench', answered: true,
  }).callControlId;
  let n = 0;
  const conferenceIds: string[] = [];
  for (let c = 0; c < CONFERENCES; c++) {
    const conf = await post('/conferences', { call_control_id: newCall(n++), name: `room-${c}` });
    conferenceIds.push(conf.data.id);
    for (let p = 1; p < PARTICIPANTS; p++) await post(`/conferences/${conf.data.id}/actions/join`, { call_control_id: newCall(n++) });
  }
  return { url: em.url, conferenceId: conferenceIds.at(-1)!, conferenceIds };
}

async function empty() {
  const em = await startEmulator(defaultConfig());
  return { url: em.url, conferenceId: '', conferenceIds: [] };
}

async function bare() {
  const db = new Database(':memory:');
  db.exec(`create table conferences (id text primary key, name text, status text, created_at integer, updated_at integer,
    expires_at integer, connection_id text, region text);
    create index c_expiry on conferences(expires_at);
    create table participants (id text primary key, conference_id text, muted integer, updated_at integer);
    create index p_conf on participants(conference_id);`);
  const insertConf = db.prepare('insert into conferences values (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertPart = db.prepare('insert into participants values (?, ?, 0, ?)');
  const now = Date.now();
  const conferenceIds: string[] = [];
  const total = Math.max(CONFERENCES, Number(process.env.BENCH_CONFERENCES ?? CONFERENCES));
  for (let c = 0; c < total; c++) {
    const conferenceId = crypto.randomUUID();
    if (c < CONFERENCES) conferenceIds.push(conferenceId);
    insertConf.run(conferenceId, `room-${c}`, 'in_progress', now, now, now + 4 * 3600_000 + c, 'bench', null);
    for (let p = 0; p < (c < CONFERENCES ? PARTICIPANTS : 1); p++) insertPart.run(crypto.randomUUID(), conferenceId, now);
  }
  type Row = { id: string; name: string; status: string; created_at: number; updated_at: number; expires_at: number; connection_id: string; region: string | null };
  const one = db.prepare('select * from conferences where id = ?');
  const page = db.prepare('select * from conferences order by expires_at desc limit ? offset ?');
  const count = db.prepare('select count(*) as n from conferences');
  const mute = db.prepare('update participants set muted = 1, updated_at = ? where conference_id = ?');
  const unmute = db.prepare('update participants set muted = 0, updated_at = ? where conference_id = ?');
  const json = (r: Row) => ({
    record_type: 'conference', id: r.id, name: r.name,
    created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString(),
    expires_at: new Date(r.expires_at).toISOString(), status: r.status,
    region: r.region ?? undefined, connection_id: r.connection_id,
  });
  const app = new Hono();
  app.get('/v2/conferences/:id', (c) => c.json({ data: json(one.get(c.req.param('id')) as Row) }));
  app.get('/v2/conferences', (c) => {
    const rows = page.all(20, 0) as Row[];
    const n = (count.get() as { n: number }).n;
    return c.json({ data: rows.map(json), meta: { page_number: 1, page_size: 20, total_pages: Math.ceil(n / 20), total_results: n } });
  });
  app.post('/v2/conferences/:id/actions/mute', async (c) => {
    await c.req.json();
    mute.run(Date.now(), c.req.param('id'));
    return c.json({ data: { result: 'ok' } });
  });
  app.post('/v2/conferences/:id/actions/unmute', async (c) => {
    await c.req.json();
    unmute.run(Date.now(), c.req.param('id'));
    return c.json({ data: { result: 'ok' } });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, conferenceId: conferenceIds.at(-1)!, conferenceIds };
}

const which = process.argv[2];
if (which === 'ours' || which === 'bare' || which === 'empty') {
  const info = which === 'ours' ? await ours() : which === 'bare' ? await bare() : await empty();
  console.log(JSON.stringify(info));
}
