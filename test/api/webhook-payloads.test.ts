import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appEnv, type AppEnv } from '../support/app-env.js';
import { types } from '../webhooks/sent.js';
import { ALL_EVENTS, webhookFlows } from '../webhooks/flows.js';

/**
 * What each webhook of the conferencing, queue and call-control flows carries, in process (moved
 * down from test/webhooks/events.test.ts, which runs the same flows once over HTTP to check every
 * event delivered and signed). The webhooks are read from the account's log; `drain` checks each
 * against the spec's callback schema and the SDK's payload type.
 */
let env: AppEnv;
beforeEach(() => { env = appEnv(); });
afterEach(() => env.close());

const flows = () => webhookFlows(env);

describe('webhook payloads', () => {
  it('sends initiated, answered and hangup for an inbound call, echoing the client_state the app set', () => flows().inboundCall());
  it('sends initiated as outgoing and bridging for a dialed call, then answered and hangup', () => flows().dialedCall());
  it('sends call.bridged for each leg of a bridge', () => flows().bridge());
  it('sends call.dtmf.received for each pressed digit and call.gather.ended when a gather completes', () => flows().digitsAndGather());
  it('sends call.enqueued with positions and average wait, and call.dequeued for leave, timeout, hangup and bridged', () => flows().queue());
  it('sends created, joined, floor.changed, left and ended for a conference, hanging up the rest on an API end', () => flows().conferenceLifecycle());
  it('reports all_left, host_left and time_exceeded as the reason a conference ended', () => flows().conferenceEndReasons());
  it('sends participant playback and speak events, ended when the simulated duration passes or on stop', () => flows().participantMedia());
  it('sends conference-wide playback and speak events for media played to everyone', () => flows().conferenceMedia());
  it('sends call.speak, call.playback and call.transcription events for call-level media', () => flows().callMedia());
  it('sends conference.recording.saved with the URL of the recorded format when recording stops', () => flows().recording());

  it('produces every event of these flows, each conforming to the spec and the SDK payload types', async () => {
    for (const flow of Object.values(flows())) await flow();
    const seen = new Set(types(await env.drain()));
    expect([...seen].sort()).toEqual([...ALL_EVENTS].sort());
  });
});
