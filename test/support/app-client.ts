import type { Emulator } from '../../src/server.js';

/**
 * The official SDK's method names for the /v2 operations the rule tests use, sent in process
 * through `app.fetch` (no socket, no SDK). A test moved down from the SDK layer keeps its calls
 * and its checks word for word: each method is the SDK's own mapping (the path and body its
 * resource builds, read from node_modules/telnyx/resources), it resolves with the JSON body on
 * 2xx and rejects with `{ status, error: body, headers }` otherwise, as the SDK's APIError has them.
 * What only the SDK shows (its types read our answers, auto-pagination, retries, signature
 * verification) stays in test/sdk.
 */
export class Refused extends Error {
  constructor(readonly status: number, readonly error: any, readonly headers: Record<string, string>) {
    super(`${status} ${JSON.stringify(error)}`);
  }
}

type Body = Record<string, unknown>;
type Query = Record<string, unknown>;
type Json = Record<string, any>;
/** Loose on purpose (a resource or a list, as the test expects): the SDK's types are the SDK layer's subject. */
type Answer = Promise<{ data: Json[] & Json; meta: Json } & Json>;

const enc = encodeURIComponent;

/** `{ filter: { status: { eq: 'x' } }, 'page[size]': 2 }` → `filter[status][eq]=x&page[size]=2`, as the SDK's query encoder does. */
export function queryString(query: Query, prefix = ''): string[] {
  return Object.entries(query).flatMap(([k, v]) => {
    if (v === undefined) return [];
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return queryString(v as Query, key);
    return [`${enc(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${enc(String(v))}`];
  });
}

/** The client over the app in process (no socket). */
export function appClient(em: Emulator, apiKey: string, origin = 'http://127.0.0.1') {
  return restClient((req) => Promise.resolve(em.app.fetch(req)), apiKey, origin);
}

/** The same client over HTTP to a listening emulator, for a socket test that is not about the SDK. */
export function httpClient(url: string, apiKey: string) {
  return restClient((req) => fetch(req), apiKey, url);
}

function restClient(fetcher: (req: Request) => Promise<Response>, apiKey: string, origin: string) {
  async function send(method: string, path: string, body?: Body, query: Query = {}): Answer {
    const qs = queryString(query).join('&');
    const res = await fetcher(new Request(`${origin}/v2${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }));
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => { headers[name] = value; });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (res.status >= 300) throw new Refused(res.status, json, headers);
    return json;
  }
  const callAction = (name: string, method = 'POST') => (id: string, body: Body = {}) => send(method, `/calls/${enc(id)}/actions/${name}`, body);
  const conferenceAction = (name: string) => (id: string, body: Body = {}) => send('POST', `/conferences/${enc(id)}/actions/${name}`, body);

  return {
    post: <T = any>(path: string, opts: { body?: Body } = {}) => send('POST', path, opts.body ?? {}) as Promise<T>,
    calls: {
      dial: (body: Body) => send('POST', '/calls', body),
      retrieveStatus: (id: string) => send('GET', `/calls/${enc(id)}`),
      actions: {
        answer: callAction('answer'),
        reject: callAction('reject'),
        hangup: callAction('hangup'),
        bridge: (id: string, { call_control_id_to_bridge_with, ...body }: Body) =>
          send('POST', `/calls/${enc(id)}/actions/bridge`, { call_control_id: call_control_id_to_bridge_with, ...body }),
        enqueue: callAction('enqueue'),
        leaveQueue: callAction('leave_queue'),
        updateClientState: callAction('client_state_update', 'PUT'),
        speak: callAction('speak'),
        startPlayback: callAction('playback_start'),
        stopPlayback: callAction('playback_stop'),
        sendDtmf: callAction('send_dtmf'),
        gather: callAction('gather'),
        gatherUsingSpeak: callAction('gather_using_speak'),
        gatherUsingAudio: callAction('gather_using_audio'),
        stopGather: callAction('gather_stop'),
        startTranscription: callAction('transcription_start'),
        stopTranscription: callAction('transcription_stop'),
        transfer: callAction('transfer'),
        startRecording: callAction('record_start'),
        stopRecording: callAction('record_stop'),
        pauseRecording: callAction('record_pause'),
        resumeRecording: callAction('record_resume'),
        startAIAssistant: callAction('ai_assistant_start'),
        startStreaming: callAction('streaming_start'),
      },
    },
    conferences: {
      create: (body: Body) => send('POST', '/conferences', body),
      list: (query: Query = {}) => send('GET', '/conferences', undefined, query),
      retrieve: (id: string) => send('GET', `/conferences/${enc(id)}`),
      listParticipants: (id: string, query: Query = {}) => send('GET', `/conferences/${enc(id)}/participants`, undefined, query),
      retrieveParticipant: (participant: string, { id }: { id: string }) =>
        send('GET', `/conferences/${enc(id)}/participants/${enc(participant)}`),
      updateParticipant: (participant: string, { id, ...body }: Body & { id: string }) =>
        send('PATCH', `/conferences/${enc(id)}/participants/${enc(participant)}`, body),
      actions: {
        join: conferenceAction('join'),
        leave: conferenceAction('leave'),
        mute: conferenceAction('mute'),
        unmute: conferenceAction('unmute'),
        hold: conferenceAction('hold'),
        unhold: conferenceAction('unhold'),
        update: conferenceAction('update'),
        play: conferenceAction('play'),
        speak: conferenceAction('speak'),
        stop: conferenceAction('stop'),
        sendDtmf: conferenceAction('send_dtmf'),
        gatherDtmfAudio: conferenceAction('gather_using_audio'),
        recordStart: conferenceAction('record_start'),
        recordStop: conferenceAction('record_stop'),
        recordPause: conferenceAction('record_pause'),
        recordResume: conferenceAction('record_resume'),
        endConference: conferenceAction('end'),
      },
    },
    queues: {
      create: (body: Body) => send('POST', '/queues', body),
      list: (query: Query = {}) => send('GET', '/queues', undefined, query),
      retrieve: (name: string) => send('GET', `/queues/${enc(name)}`),
      update: (name: string, body: Body) => send('POST', `/queues/${enc(name)}`, body),
      delete: (name: string) => send('DELETE', `/queues/${enc(name)}`),
      calls: {
        list: (name: string, query: Query = {}) => send('GET', `/queues/${enc(name)}/calls`, undefined, query),
        retrieve: (id: string, { queue_name }: { queue_name: string }) => send('GET', `/queues/${enc(queue_name)}/calls/${enc(id)}`),
        update: (id: string, { queue_name, ...body }: Body & { queue_name: string }) =>
          send('PATCH', `/queues/${enc(queue_name)}/calls/${enc(id)}`, body),
        remove: (id: string, { queue_name }: { queue_name: string }) => send('DELETE', `/queues/${enc(queue_name)}/calls/${enc(id)}`),
      },
    },
  };
}

export type AppClient = ReturnType<typeof restClient>;
