import { expect } from 'vitest';
import type { AppClient } from '../support/app-client.js';
import { about, payloadOf, types, type Sent } from './sent.js';

/** The 22 events of the conferencing, queue and call-control flows (issue "Signed webhooks"). */
export const ALL_EVENTS = [
  'call.initiated', 'call.answered', 'call.hangup', 'call.bridged', 'call.enqueued', 'call.dequeued',
  'call.gather.ended', 'call.dtmf.received',
  'conference.created', 'conference.ended', 'conference.floor.changed', 'conference.participant.joined',
  'conference.participant.left', 'conference.participant.playback.started', 'conference.participant.playback.ended',
  'conference.participant.speak.started', 'conference.participant.speak.ended', 'conference.playback.started',
  'conference.playback.ended', 'conference.speak.started', 'conference.speak.ended', 'conference.recording.saved',
  // call-level media (issue 8)
  'call.speak.started', 'call.speak.ended', 'call.playback.started', 'call.playback.ended', 'call.transcription',
];

/** What a flow needs: test/support/app-env.ts in process, or test/webhooks/env.ts over sockets with an HTTP client. */
export interface FlowEnv {
  api: AppClient;
  call(opts?: { from?: string; answered?: boolean }): Promise<string>;
  mock(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object): Promise<{ status: number; json: any }>;
  /** Every webhook so far, each checked against the contracts (and, over sockets, both signature verifiers). */
  drain(): Promise<Sent[]>;
}

/**
 * The webhook flows of the conferencing, queue and call-control API. Each flow makes its own calls
 * and checks the payloads it expects; `drain` checks every webhook against the contracts.
 */
export function webhookFlows(env: FlowEnv) {
  const advance = (seconds: number) => env.mock('POST', '/clock/advance', { seconds });
  return {
    async inboundCall() {
      const id = await env.call({ answered: false });
      await env.api.calls.actions.answer(id, { client_state: 'aGk=' });
      await env.api.calls.actions.hangup(id, {});
      const events = about(await env.drain(), id);
      expect(types(events)).toEqual(['call.initiated', 'call.answered', 'call.hangup']);
      expect(payloadOf(events, 'call.initiated')).toMatchObject({ direction: 'incoming', state: 'parked', connection_id: 'conn-1' });
      expect(payloadOf(events, 'call.initiated')).not.toHaveProperty('client_state');
      expect(payloadOf(events, 'call.answered')).toMatchObject({ state: 'answered', client_state: 'aGk=' });
      expect(payloadOf(events, 'call.hangup')).toMatchObject({
        state: 'hangup', hangup_cause: 'normal_clearing', hangup_source: 'callee', sip_hangup_cause: '200', client_state: 'aGk=',
      });
    },

    async dialedCall() {
      const dialed = (await env.api.calls.dial({ connection_id: 'conn-2', from: '+15550002000', to: '+15550003000', client_state: 'ZGlhbA==' })).data!;
      const id = dialed.call_control_id;
      await env.mock('POST', `/calls/${encodeURIComponent(id)}/hangup`);
      const events = about(await env.drain(), id);
      expect(types(events)).toEqual(['call.initiated', 'call.answered', 'call.hangup']);
      expect(payloadOf(events, 'call.initiated')).toMatchObject({
        direction: 'outgoing', state: 'bridging', from: '+15550002000', to: '+15550003000', client_state: 'ZGlhbA==',
        call_leg_id: dialed.call_leg_id, call_session_id: dialed.call_session_id,
      });
      expect(payloadOf(events, 'call.hangup')).toMatchObject({ hangup_source: 'callee', client_state: 'ZGlhbA==' });
    },

    async bridge() {
      const a = await env.call({ from: '+15550004001' });
      const b = await env.call({ from: '+15550004002' });
      await env.api.calls.actions.bridge(a, { call_control_id_to_bridge_with: b, client_state: 'YnI=' });
      const all = await env.drain();
      expect(payloadOf(about(all, a), 'call.bridged')).toMatchObject({ call_control_id: a, from: '+15550004001', client_state: 'YnI=' });
      expect(payloadOf(about(all, b), 'call.bridged')).toMatchObject({ call_control_id: b, from: '+15550004002' });
    },

    async digitsAndGather() {
      const host = await env.call();
      const alice = await env.call({ from: '+15550005001' });
      const conf = (await env.api.conferences.create({ call_control_id: host, name: 'ivr' })).data!;
      await env.api.conferences.actions.join(conf.id, { call_control_id: alice });
      await env.api.conferences.actions.gatherDtmfAudio(conf.id, { call_control_id: alice, maximum_digits: 2, client_state: 'Z2F0aGVy' });
      await env.mock('POST', `/calls/${encodeURIComponent(alice)}/dtmf`, { digits: '12' });
      const events = about(await env.drain(), alice).filter((d) => d.json.data.event_type.startsWith('call.'));
      expect(types(events)).toEqual(['call.initiated', 'call.answered', 'call.dtmf.received', 'call.dtmf.received', 'call.gather.ended']);
      expect(events.slice(2, 4).map((d) => d.json.data.payload.digit)).toEqual(['1', '2']);
      expect(payloadOf(events, 'call.gather.ended')).toMatchObject({ digits: '12', status: 'valid', client_state: 'Z2F0aGVy' });
    },

    async queue() {
      const [a, b, c, d, agent] = await Promise.all([1, 2, 3, 4, 5].map((i) => env.call({ from: `+1555000600${i}` })));
      await env.api.calls.actions.enqueue(a, { queue_name: 'support' });
      await env.api.calls.actions.enqueue(b, { queue_name: 'support' });
      await advance(10);
      await env.api.calls.actions.enqueue(c, { queue_name: 'support', max_wait_time_secs: 5 });
      await env.api.calls.actions.leaveQueue(a, {});
      await advance(5);
      await env.mock('POST', `/calls/${encodeURIComponent(b)}/hangup`);
      await env.api.calls.actions.enqueue(d, { queue_name: 'support' });
      await env.api.calls.actions.bridge(agent, { call_control_id_to_bridge_with: agent, queue: 'support' });
      const all = await env.drain();
      const enq = (id: string) => payloadOf(about(all, id), 'call.enqueued');
      const deq = (id: string) => payloadOf(about(all, id), 'call.dequeued');
      expect(enq(a)).toMatchObject({ queue: 'support', current_position: 1, queue_avg_wait_time_secs: 0 });
      expect(enq(b)).toMatchObject({ current_position: 2 });
      // a and b had waited 10 s and c none: the average of the calls waiting, rounded.
      expect(enq(c)).toMatchObject({ current_position: 3, queue_avg_wait_time_secs: 7 });
      expect(deq(a)).toMatchObject({ queue: 'support', reason: 'leave', queue_position: 1, wait_time_secs: 10 });
      expect(deq(c)).toMatchObject({ reason: 'timeout', queue_position: 2, wait_time_secs: 5 });
      expect(deq(b)).toMatchObject({ reason: 'hangup', queue_position: 1, wait_time_secs: 15 });
      expect(deq(d)).toMatchObject({ reason: 'bridged', queue_position: 1, wait_time_secs: 0 });
      expect(types(about(all, b))).toEqual(['call.initiated', 'call.answered', 'call.enqueued', 'call.dequeued', 'call.hangup']);
      expect(types(about(all, d)).slice(-2)).toEqual(['call.dequeued', 'call.bridged']);
    },

    async conferenceLifecycle() {
      const host = await env.call({ from: '+15550007001' });
      const alice = await env.call({ from: '+15550007002' });
      const bob = await env.call({ from: '+15550007003' });
      const conf = (await env.api.conferences.create({ call_control_id: host, name: 'standup', client_state: 'Y29uZg==' })).data!;
      await env.api.conferences.actions.join(conf.id, { call_control_id: alice, client_state: 'YWxpY2U=' });
      await env.api.conferences.actions.join(conf.id, { call_control_id: bob });
      await env.mock('POST', `/calls/${encodeURIComponent(alice)}/speech`, { state: 'started' });
      await env.api.conferences.actions.leave(conf.id, { call_control_id: bob });
      await env.api.conferences.actions.endConference(conf.id, {});
      const all = await env.drain();
      const confEvents = all.filter((d) => d.json.data.payload.conference_id === conf.id);
      expect(types(confEvents)).toEqual([
        'conference.created', 'conference.participant.joined', 'conference.participant.joined', 'conference.participant.joined',
        'conference.floor.changed', 'conference.participant.left', 'conference.participant.left', 'conference.participant.left',
        'conference.ended',
      ]);
      expect(payloadOf(confEvents, 'conference.created')).toMatchObject({ call_control_id: host, conference_id: conf.id, client_state: 'Y29uZg==' });
      // JoinConferenceRequest.client_state "will not affect conferencing webhooks unless the participient
      // is the owner of the conference": alice's floor change carries the conference's state.
      expect(payloadOf(confEvents, 'conference.floor.changed')).toMatchObject({ call_control_id: alice, client_state: 'Y29uZg==' });
      expect(payloadOf(about(all, bob), 'conference.participant.left')).toMatchObject({ conference_id: conf.id });
      expect(payloadOf(confEvents, 'conference.ended')).toMatchObject({ reason: 'ended_via_api', call_control_id: host });
      // Ending through the API hangs up whoever was still in it.
      expect(types(about(all, alice)).slice(-2)).toEqual(['conference.participant.left', 'call.hangup']);
      expect(types(about(all, bob))).not.toContain('call.hangup');
    },

    async conferenceEndReasons() {
      const reasonOf = async (setup: (host: string, guest: string, id: string) => Promise<unknown>, name: string) => {
        const host = await env.call();
        const guest = await env.call({ from: '+15550008002' });
        const conf = (await env.api.conferences.create({ call_control_id: host, name, duration_minutes: 1 })).data!;
        await env.api.conferences.actions.join(conf.id, { call_control_id: guest, end_conference_on_exit: name === 'host' });
        await setup(host, guest, conf.id);
        return payloadOf(about(await env.drain(), conf.id), 'conference.ended')?.reason;
      };
      const hangup = (id: string) => env.mock('POST', `/calls/${encodeURIComponent(id)}/hangup`);
      expect(await reasonOf(async (h, g) => { await hangup(h); await hangup(g); }, 'all')).toBe('all_left');
      expect(await reasonOf((_h, g) => hangup(g), 'host')).toBe('host_left');
      expect(await reasonOf(() => advance(60), 'expiry')).toBe('time_exceeded');
    },

    async participantMedia() {
      const host = await env.call();
      const alice = await env.call({ from: '+15550009002' });
      const conf = (await env.api.conferences.create({ call_control_id: host, name: 'media-1' })).data!;
      // Frozen, so the only time that passes is the advance below.
      await env.mock('POST', '/clock/freeze');
      await env.api.conferences.actions.join(conf.id, { call_control_id: alice });
      await env.api.conferences.actions.play(conf.id, { audio_url: 'https://example.com/a.mp3', call_control_ids: [alice] });
      let events = about(await env.drain(), alice);
      expect(types(events)).toContain('conference.participant.playback.started');
      expect(types(events)).not.toContain('conference.participant.playback.ended');
      // Media lasts mediaDurationSecs (3) on the account's clock.
      await advance(3);
      await env.api.conferences.actions.speak(conf.id, { payload: 'hello', voice: 'female', call_control_ids: [alice] });
      await env.api.conferences.actions.stop(conf.id, { call_control_ids: [alice] });
      events = about(await env.drain(), alice).filter((d) => d.json.data.event_type.startsWith('conference.participant.'));
      expect(types(events)).toEqual([
        'conference.participant.joined', 'conference.participant.playback.started', 'conference.participant.playback.ended',
        'conference.participant.speak.started', 'conference.participant.speak.ended',
      ]);
      const started = payloadOf(events, 'conference.participant.playback.started');
      expect(started).toMatchObject({ call_control_id: alice, conference_id: conf.id, media_url: 'https://example.com/a.mp3' });
      expect(started).not.toHaveProperty('media_name');
      expect(Date.parse(payloadOf(events, 'conference.participant.playback.ended')!.occurred_at as string)
        - Date.parse(started!.occurred_at as string)).toBe(3000);
      expect(payloadOf(events, 'conference.participant.speak.started')).not.toHaveProperty('media_url');
    },

    async conferenceMedia() {
      const host = await env.call();
      const conf = (await env.api.conferences.create({ call_control_id: host, name: 'media-2' })).data!;
      await env.api.conferences.actions.play(conf.id, { media_name: 'welcome' });
      await env.api.conferences.actions.stop(conf.id, {});
      await env.api.conferences.actions.speak(conf.id, { payload: 'hi all', voice: 'male' });
      await advance(3);
      const events = about(await env.drain(), conf.id).filter((d) => /^conference\.(playback|speak)\./.test(d.json.data.event_type));
      expect(types(events)).toEqual(['conference.playback.started', 'conference.playback.ended', 'conference.speak.started', 'conference.speak.ended']);
      expect(payloadOf(events, 'conference.playback.started')).toMatchObject({ media_name: 'welcome', conference_id: conf.id, connection_id: 'conn-1' });
      const hostLeg = payloadOf(about(await env.drain(), host), 'call.initiated')!;
      expect(payloadOf(events, 'conference.speak.ended')).toMatchObject({ creator_call_session_id: hostLeg.call_session_id });
    },

    async callMedia() {
      const id = await env.call({ from: '+15550009101' });
      await env.mock('POST', '/clock/freeze');
      await env.api.calls.actions.speak(id, { payload: 'Welcome to the conference line', voice: 'female', client_state: 'aXZy' });
      await env.api.calls.actions.startPlayback(id, { audio_url: 'https://example.com/hold.mp3' });
      await env.api.calls.actions.startTranscription(id, {});
      await env.mock('POST', `/calls/${encodeURIComponent(id)}/say`, { text: 'hello' });
      // 5 words: 2 s of speech, then the queued file's 3 s.
      await advance(5);
      const events = about(await env.drain(), id).filter((d) => /^call\.(speak|playback|transcription)/.test(d.json.data.event_type));
      expect(types(events)).toEqual(['call.speak.started', 'call.transcription', 'call.speak.ended', 'call.playback.started', 'call.playback.ended']);
      expect(payloadOf(events, 'call.speak.ended')).toMatchObject({ status: 'completed', client_state: 'aXZy' });
      expect(payloadOf(events, 'call.playback.ended')).toMatchObject({ status: 'completed', media_url: 'https://example.com/hold.mp3' });
      expect(payloadOf(events, 'call.transcription')).toMatchObject({ transcription_data: { transcript: 'hello' } });
    },

    async recording() {
      const host = await env.call();
      const conf = (await env.api.conferences.create({ call_control_id: host, name: 'rec' })).data!;
      // Frozen, so the 30 s below are the only time that passes.
      await env.mock('POST', '/clock/freeze');
      await env.api.conferences.actions.recordStart(conf.id, { format: 'wav' });
      await advance(30);
      await env.api.conferences.actions.recordStop(conf.id, { client_state: 'cmVj' });
      const saved = payloadOf(about(await env.drain(), conf.id), 'conference.recording.saved')!;
      expect(saved).toMatchObject({ format: 'wav', channels: 'single', client_state: 'cmVj', conference_id: conf.id, call_control_id: host });
      expect(saved.recording_urls).toEqual({ wav: expect.stringMatching(/\.wav$/), mp3: null });
      expect(Date.parse(saved.recording_ended_at as string) - Date.parse(saved.recording_started_at as string)).toBe(30_000);
    },
  };
}
