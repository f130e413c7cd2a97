import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, answeredCall, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';

/** Errors that say the fix: what is wrong and what to do, not only a code. */
let em: Emulator;
let http: ReturnType<typeof api>;
const A = 'KEY_fix_messages';

beforeAll(() => {
  em = inMemory();
  http = api(em);
});
afterAll(() => em.dispose());

const call = () => encodeURIComponent(answeredCall(em, A).callControlId);

describe('a limit is named in its message', () => {
  it('a speak payload over 3,000 characters says the limit and the length sent', async () => {
    // SpeakRequest.payload: "The text or SSML to be converted into speech. There is a 3,000 character limit."
    const res = await http.as(A).post(`/v2/calls/${call()}/actions/speak`, { payload: 'a'.repeat(3001), voice: 'female' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      code: '10015', detail: "The 'payload' parameter is too long: at most 3000 characters, got 3001.", source: { pointer: '/payload' },
    });
  });

  it('a list with too many items says how many it may have', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `v3:${i}`);
    const res = await http.as(A).post('/v2/conferences/c1/actions/mute', { call_control_ids: ids });
    // The body is checked before the conference is looked up.
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      detail: "The 'call_control_ids' parameter has too many items: at most 1000, got 1001.", source: { pointer: '/call_control_ids' },
    });
  });
});

describe('a full queue', () => {
  it('names its max_size', async () => {
    // EnqueueRequest.max_size: "The maximum number of calls allowed to be in the queue at a time. Can't be modified for an existing queue."
    expect((await http.as(A).post(`/v2/calls/${call()}/actions/enqueue`, { queue_name: 'tiny', max_size: 1 })).status).toBe(200);
    const res = await http.as(A).post(`/v2/calls/${call()}/actions/enqueue`, { queue_name: 'tiny' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      code: '90036', detail: "The 'tiny' queue is full and can't accept more calls (its max_size is 1; POST /v2/queues/{queue_name} can raise it).",
    });
  });
});

describe('speech on a call in no conference', () => {
  it('says the call is in no conference and how to join one, or to use say instead', async () => {
    const res = await http.as(A).post(`/_mock/calls/${call()}/speech`, { state: 'started' });
    expect(res.status).toBe(422);
    const error = res.body.errors[0];
    expect(error.code).toBe('90015');
    expect(error.detail).toContain('The call is in no conference');
    expect(error.detail).toContain('/v2/conferences/{id}/actions/join');
    expect(error.detail).toContain('use say');
    expect(error.detail).not.toContain('not a participant of this conference');
  });
});
