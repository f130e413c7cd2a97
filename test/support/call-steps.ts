import { expect } from 'vitest';

/** Any test environment that reaches the control API (/_mock): in process (app-env.ts) or over HTTP (webhooks/env.ts). */
export interface MockDoor {
  mock(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object): Promise<{ status: number; json: any }>;
}

type Logged = { event_type: string; data: { payload: Record<string, any> } };
const enc = encodeURIComponent;

/**
 * What the call-level media and gather tests do at the far end and read back, through the control
 * API, for the call `current()` names unless told another: the same steps whichever tier runs them.
 */
export function callSteps(env: MockDoor, current: () => string) {
  const steps = {
    /** The caller presses keys. */
    press: async (digits: string, id = current()) => expect((await env.mock('POST', `/calls/${enc(id)}/dtmf`, { digits })).status).toBe(200),
    advance: async (seconds: number) => expect((await env.mock('POST', '/clock/advance', { seconds })).status).toBe(200),
    /** The call's webhooks after it was set up (call.initiated and call.answered left out), oldest first. */
    log: async (id = current()) => ((await env.mock('GET', `/webhooks?call_control_id=${enc(id)}`)).json.data as Logged[])
      .filter((w) => !['call.initiated', 'call.answered'].includes(w.event_type)),
    /** The call's webhooks of one type. */
    logged: async (type: string, id = current()) =>
      (await env.mock('GET', `/webhooks?event_type=${type}&call_control_id=${enc(id)}`)).json.data as Logged[],
    /** Every webhook type of the call so far, set-up ones included. */
    types: async (id = current()) =>
      ((await env.mock('GET', `/webhooks?call_control_id=${enc(id)}`)).json.data as Logged[]).map((w) => w.event_type),
    /** The types of `log`: the call's webhooks after its set-up. */
    logTypes: async (id = current()) => (await steps.log(id)).map((w) => w.event_type),
    payloads: async (type: string, id = current()) => (await steps.log(id)).filter((w) => w.event_type === type).map((w) => w.data.payload),
    /** What was spoken and played into the call (GET /_mock/calls/{id}/media). */
    media: async (id = current()) => (await env.mock('GET', `/calls/${enc(id)}/media`)).json.data as Array<Record<string, unknown>>,
    /** call.gather.ended so far, as [digits, status]. */
    ended: async (id = current()) => (await steps.logged('call.gather.ended', id)).map((w) => [w.data.payload.digits, w.data.payload.status]),
    /** Presses each key in turn; until the last one, the gather must still be waiting. */
    async pressOneByOne(keys: string) {
      const before = (await steps.ended()).length;
      for (const key of keys.slice(0, -1)) {
        await steps.press(key);
        expect((await steps.ended()).slice(before), `after ${key}`).toEqual([]);
      }
      await steps.press(keys.slice(-1));
    },
  };
  return steps;
}
