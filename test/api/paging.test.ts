import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { doors, type Doors } from '../support/doors.js';
import type { Emulator } from '../../src/server.js';

/**
 * Pagination meta on every list, at the edges: totals that are exact multiples of the page size,
 * no results at all, and pages past the end. Telnyx's PaginationMeta is
 * `{ page_number, page_size, total_pages, total_results }`; `page[size]` defaults to 20 (spec:
 * "default: 20, minimum: 1, maximum: 250"). The Node SDK stops paging "when meta.page_number >=
 * meta.total_pages", so total_pages being one too many or too few loops or loses a page.
 */
const KEY = 'KEY_paging';
let em: Emulator;
let d: Doors;

beforeEach(() => {
  em = inMemory();
  d = doors(api(em), KEY);
});
afterEach(() => em.dispose());

const meta = (page_number: number, page_size: number, total_pages: number, total_results: number) =>
  ({ page_number, page_size, total_pages, total_results });

async function list(path: string) {
  const res = await d.v2.get(path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: Array<Record<string, unknown>>; meta: ReturnType<typeof meta> };
}

describe('conference list paging', () => {
  /** Four conferences, expiring 10..13 minutes out: listed by expires_at descending, room-3 first. */
  async function fourConferences() {
    for (let i = 0; i < 4; i++) await d.conference({ name: `room-${i}`, duration_minutes: 10 + i });
  }
  const names = (body: { data: Array<Record<string, unknown>> }) => body.data.map((c) => c.name);

  it('counts 2 pages for 4 conferences 2 to a page, the second holding the last two', async () => {
    await fourConferences();
    const first = await list('/v2/conferences?page[size]=2');
    expect(first.meta).toEqual(meta(1, 2, 2, 4));
    expect(names(first)).toEqual(['room-3', 'room-2']);
    const second = await list('/v2/conferences?page[number]=2&page[size]=2');
    expect(second.meta).toEqual(meta(2, 2, 2, 4));
    expect(names(second)).toEqual(['room-1', 'room-0']);
  });

  it('counts 1 page when the page size equals the total, and 1 page of 4 with the default size of 20', async () => {
    await fourConferences();
    expect((await list('/v2/conferences?page[size]=4')).meta).toEqual(meta(1, 4, 1, 4));
    expect((await list('/v2/conferences?page[size]=1')).meta).toEqual(meta(1, 1, 4, 4));
    const all = await list('/v2/conferences');
    expect(all.meta).toEqual(meta(1, 20, 1, 4));
    expect(names(all)).toEqual(['room-3', 'room-2', 'room-1', 'room-0']);
  });

  it('answers a page past the end with no data and the true totals', async () => {
    await fourConferences();
    const past = await list('/v2/conferences?page[number]=3&page[size]=2');
    expect(past.data).toEqual([]);
    expect(past.meta).toEqual(meta(3, 2, 2, 4));
  });

  it('reports 0 pages and 0 results for an account with no conferences, and for a filter matching none', async () => {
    const none = await list('/v2/conferences');
    expect(none).toEqual({ data: [], meta: meta(1, 20, 0, 0) });
    await fourConferences();
    const completed = await list('/v2/conferences?filter[status]=completed&page[size]=2');
    expect(completed).toEqual({ data: [], meta: meta(1, 2, 0, 0) });
    const byName = await list('/v2/conferences?filter[name]=nowhere');
    expect(byName).toEqual({ data: [], meta: meta(1, 20, 0, 0) });
  });

  it('keeps the total exact as conferences come and go: the unfiltered total is remembered only while nothing changed', async () => {
    const other = doors(api(em), 'KEY_paging_other');
    await fourConferences();
    expect((await list('/v2/conferences?page[size]=2')).meta).toEqual(meta(1, 2, 2, 4));
    // Another account's conference changes the database, not this account's total.
    await other.conference({ name: 'elsewhere' });
    expect((await list('/v2/conferences?page[size]=2')).meta).toEqual(meta(1, 2, 2, 4));
    expect((await other.v2.get('/v2/conferences')).body.meta).toEqual(meta(1, 20, 1, 1));
    await d.conference({ name: 'room-4' });
    expect((await list('/v2/conferences?page[size]=2')).meta).toEqual(meta(1, 2, 3, 5));
    // Each filter, and their combinations, counted on their own.
    expect((await list('/v2/conferences?filter[name]=room-4')).meta).toEqual(meta(1, 20, 1, 1));
    expect((await list('/v2/conferences?filter[status]=in_progress&filter[name]=room-1')).meta).toEqual(meta(1, 20, 1, 1));
    expect((await list('/v2/conferences?filter[status]=completed&filter[name]=room-1')).meta).toEqual(meta(1, 20, 0, 0));
    expect((await list('/v2/conferences?filter[status]=in_progress')).meta).toEqual(meta(1, 20, 1, 5));
    // A reset of the account empties the list, and the total follows.
    expect((await d.v2.post('/_mock/reset')).status).toBe(200);
    expect(await list('/v2/conferences')).toEqual({ data: [], meta: meta(1, 20, 0, 0) });
    expect((await other.v2.get('/v2/conferences')).body.meta).toEqual(meta(1, 20, 1, 1));
  });

  it('takes the flat page_number and page_size the Ruby SDK sends, with the same meta', async () => {
    await fourConferences();
    const second = await list('/v2/conferences?page_number=2&page_size=2');
    expect(second.meta).toEqual(meta(2, 2, 2, 4));
    expect(names(second)).toEqual(['room-1', 'room-0']);
    expect((await list('/v2/conferences?page_size=4')).meta).toEqual(meta(1, 4, 1, 4));
    expect((await list('/v2/conferences?page_number=3&page_size=2')).data).toEqual([]);
  });
});

describe('participant list paging', () => {
  /** A conference with its creator and three more participants: four in all. */
  async function fourParticipants() {
    const conf = await d.conference();
    const joined = [conf.host];
    for (let i = 0; i < 3; i++) {
      const id = await d.call();
      await d.join(conf.id, id);
      joined.push(id);
    }
    return { id: conf.id, joined };
  }
  const ids = (body: { data: Array<Record<string, unknown>> }) => body.data.map((p) => p.call_control_id);

  it('counts 2 pages for 4 participants 2 to a page, in joining order', async () => {
    const { id, joined } = await fourParticipants();
    const first = await list(`/v2/conferences/${id}/participants?page[size]=2`);
    expect(first.meta).toEqual(meta(1, 2, 2, 4));
    const second = await list(`/v2/conferences/${id}/participants?page[number]=2&page[size]=2`);
    expect(second.meta).toEqual(meta(2, 2, 2, 4));
    expect([...ids(first), ...ids(second)]).toEqual(joined);
    expect((await list(`/v2/conferences/${id}/participants?page[size]=4`)).meta).toEqual(meta(1, 4, 1, 4));
    expect((await list(`/v2/conferences/${id}/participants`)).meta).toEqual(meta(1, 20, 1, 4));
  });

  it('takes the flat page_number and page_size for participants', async () => {
    const { id, joined } = await fourParticipants();
    const second = await list(`/v2/conferences/${id}/participants?page_number=2&page_size=2`);
    expect(second.meta).toEqual(meta(2, 2, 2, 4));
    expect(ids(second)).toEqual(joined.slice(2));
  });

  it('reports 0 pages and 0 results when a filter matches no participant', async () => {
    const { id } = await fourParticipants();
    expect(await list(`/v2/conferences/${id}/participants?filter[muted]=true&page[size]=2`))
      .toEqual({ data: [], meta: meta(1, 2, 0, 0) });
    expect(await list(`/v2/conferences/${id}/participants?filter[on_hold]=true`))
      .toEqual({ data: [], meta: meta(1, 20, 0, 0) });
  });

  it('counts only the filtered participants: 2 muted of 4 is 1 page of 2', async () => {
    const { id, joined } = await fourParticipants();
    const res = await d.v2.post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: [joined[1], joined[3]] });
    expect(res.status).toBe(200);
    const muted = await list(`/v2/conferences/${id}/participants?filter[muted]=true&page[size]=2`);
    expect(muted.meta).toEqual(meta(1, 2, 1, 2));
    expect(ids(muted)).toEqual([joined[1], joined[3]]);
  });
});

describe('queue list paging', () => {
  async function queues(from: number, to: number) {
    for (let i = from; i < to; i++) expect((await d.v2.post('/v2/queues', { queue_name: `q-${i}` })).status).toBe(200);
  }

  it('counts 2 pages for 4 queues 2 to a page and 1 page for 2 queues 2 to a page', async () => {
    await queues(0, 2);
    expect((await list('/v2/queues?page[size]=2')).meta).toEqual(meta(1, 2, 1, 2));
    await queues(2, 4);
    const names = (await list('/v2/queues')).data.map((q) => q.name).sort();
    expect(names).toEqual(['q-0', 'q-1', 'q-2', 'q-3']);
    expect((await list('/v2/queues?page[size]=2')).meta).toEqual(meta(1, 2, 2, 4));
    const second = await list('/v2/queues?page[number]=2&page[size]=2');
    expect(second.meta).toEqual(meta(2, 2, 2, 4));
    expect(second.data).toHaveLength(2);
    expect((await list('/v2/queues?page_number=2&page_size=2')).meta).toEqual(meta(2, 2, 2, 4));
  });

  it('reports 0 pages and 0 results for an account with no queues', async () => {
    expect(await list('/v2/queues')).toEqual({ data: [], meta: meta(1, 20, 0, 0) });
    expect(await list('/v2/queues?page[size]=5')).toEqual({ data: [], meta: meta(1, 5, 0, 0) });
  });
});

describe('queue calls list paging', () => {
  it('counts 2 pages for 4 waiting calls 2 to a page, with positions running on across pages', async () => {
    const waiting: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await d.call();
      await d.enqueue(id, 'support');
      waiting.push(id);
    }
    const first = await list('/v2/queues/support/calls?page[size]=2');
    expect(first.meta).toEqual(meta(1, 2, 2, 4));
    const second = await list('/v2/queues/support/calls?page[number]=2&page[size]=2');
    expect(second.meta).toEqual(meta(2, 2, 2, 4));
    expect([...first.data, ...second.data].map((c) => [c.call_control_id, c.queue_position]))
      .toEqual(waiting.map((id, i) => [id, i + 1]));
    const flat = await list('/v2/queues/support/calls?page_number=2&page_size=2');
    expect(flat.meta).toEqual(meta(2, 2, 2, 4));
    expect(flat.data.map((c) => c.queue_position)).toEqual([3, 4]);
    expect((await list('/v2/queues/support/calls?page[size]=4')).meta).toEqual(meta(1, 4, 1, 4));
    expect((await list('/v2/queues/support/calls?page[number]=3&page[size]=2')).data).toEqual([]);
  });

  it('reports 0 pages and 0 results for an empty queue', async () => {
    expect((await d.v2.post('/v2/queues', { queue_name: 'empty' })).status).toBe(200);
    expect(await list('/v2/queues/empty/calls')).toEqual({ data: [], meta: meta(1, 20, 0, 0) });
    expect(await list('/v2/queues/empty/calls?page_size=3')).toEqual({ data: [], meta: meta(1, 3, 0, 0) });
  });
});
