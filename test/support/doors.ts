import { expect } from 'vitest';
import type { api } from './harness.js';

/**
 * The public doors a test drives the emulator through, over HTTP only: `/v2` (the Telnyx API)
 * and `/_mock` (the other end of the line). Nothing here reaches into the emulator's internals,
 * so tests written with it survive a rewrite of everything under src/.
 */
export type Http = ReturnType<typeof api>;

/** One entry of GET /_mock/webhooks. */
export interface LoggedWebhook {
  id: string;
  event_type: string;
  call_control_id: string | null;
  conference_id: string | null;
  status: string;
  occurred_at: string;
  url: string | null;
  data: { event_type: string; occurred_at: string; payload: Record<string, unknown> };
}

/** A participant as GET /v2/conferences/{id}/participants lists it. */
export interface ListedParticipant {
  id: string;
  call_control_id: string;
  status: string;
  muted: boolean;
  on_hold: boolean;
  supervisor_role: string;
  label?: string;
}

export const enc = encodeURIComponent;

export function doors(http: Http, key: string) {
  const v2 = http.as(key);
  let numbers = 0;

  const self = {
    /** The account's bearer-key client, for /v2 and /_mock requests. */
    v2,

    /** A caller dials in (POST /_mock/calls), answered unless told otherwise; returns its call_control_id. */
    async call(opts: { from?: string; answered?: boolean; clientState?: string } = {}): Promise<string> {
      const from = opts.from ?? `+1555${String(2_000_000 + numbers++)}`;
      const res = await v2.post('/_mock/calls', {
        from, to: '+15559990000', connection_id: 'conn-1', answered: opts.answered ?? true, client_state: opts.clientState,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.data.call_control_id as string;
    },

    /** The call as the far end sees it (GET /_mock/calls/{id}): state, conference, bridge, hangup cause. */
    async farEnd(id: string): Promise<{
      state: string; is_alive: boolean; conference_id: string | null; bridged_to: string | null; hangup_cause: string | null;
    }> {
      const res = await v2.get(`/_mock/calls/${enc(id)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data;
    },

    async hangup(id: string) {
      const res = await v2.post(`/_mock/calls/${enc(id)}/hangup`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },

    /** The caller presses keys (POST /_mock/calls/{id}/dtmf). */
    async press(id: string, digits: string) {
      const res = await v2.post(`/_mock/calls/${enc(id)}/dtmf`, { digits });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },

    async advance(seconds: number) {
      const res = await v2.post('/_mock/clock/advance', { seconds });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },

    /** Stops the account's clock, so the only time that passes is what `advance` moves. */
    async freeze() {
      expect((await v2.post('/_mock/clock/freeze')).status).toBe(200);
    },

    /** The webhooks recorded for the account, oldest first (GET /_mock/webhooks, every page of it). */
    async webhooks(filter: { event_type?: string; call_control_id?: string } = {}): Promise<LoggedWebhook[]> {
      const query = Object.entries(filter).map(([k, v]) => `${k}=${enc(v)}&`).join('');
      const all: LoggedWebhook[] = [];
      for (let page = 1; ; page++) {
        const res = await v2.get(`/_mock/webhooks?${query}page[number]=${page}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        all.push(...res.body.data);
        if (page >= res.body.meta.total_pages) return all;
      }
    },

    /** The payloads of the recorded webhooks of one type (optionally about one call), oldest first. */
    async payloads(eventType: string, callControlId?: string): Promise<Record<string, unknown>[]> {
      const filter = callControlId ? { event_type: eventType, call_control_id: callControlId } : { event_type: eventType };
      return (await self.webhooks(filter)).map((w) => w.data.payload);
    },

    /** POST /v2/conferences with a fresh answered caller as its creator. */
    async conference(body: Record<string, unknown> = {}): Promise<{ id: string; host: string }> {
      const host = await self.call();
      const res = await v2.post('/v2/conferences', { call_control_id: host, name: `room-${numbers++}`, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { id: res.body.data.id as string, host };
    },

    async join(conferenceId: string, callControlId: string, extra: Record<string, unknown> = {}) {
      const res = await v2.post(`/v2/conferences/${conferenceId}/actions/join`, { call_control_id: callControlId, ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },

    async participants(conferenceId: string): Promise<ListedParticipant[]> {
      const res = await v2.get(`/v2/conferences/${conferenceId}/participants?page[size]=250`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data;
    },

    async participant(conferenceId: string, ref: string): Promise<ListedParticipant> {
      const res = await v2.get(`/v2/conferences/${conferenceId}/participants/${enc(ref)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data;
    },

    async enqueue(callControlId: string, queueName: string, extra: Record<string, unknown> = {}) {
      const res = await v2.post(`/v2/calls/${enc(callControlId)}/actions/enqueue`, { queue_name: queueName, ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },
  };
  return self;
}

export type Doors = ReturnType<typeof doors>;

/** The first error of a Telnyx-shaped error answer. */
export function firstError(res: { body: unknown }): { code: string; title: string; detail: string; source?: { pointer?: string } } {
  const errors = (res.body as { errors?: unknown[] }).errors;
  expect(Array.isArray(errors), JSON.stringify(res.body)).toBe(true);
  return (errors as never[])[0];
}
