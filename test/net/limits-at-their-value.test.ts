import { describe, expect, it } from 'vitest';
import { accountPerTest, enc, expectError, expectOk, logOf, sendYaml, yamlWithAliases } from './support.js';

/**
 * Every declared bound, at its value and one past it, on both sides. Ranges are answered
 * `422 10033` ("Value outside of range"), lengths and patterns `422 10015`, with `source.pointer`
 * naming the field (README: "422 for validation (`10004` missing, `10015` wrong type, `10032` bad
 * enum, `10033` out of range … — `source.pointer` names the field)"); query parameters name the
 * parameter (`source.parameter`). Each bound quotes the spec or README sentence it comes from;
 * where the spec gives no number the bound is the emulator's own (src/commands/*.ts) and says so.
 */
const t = accountPerTest('KEY_net_limits');

type Res = { status: number; body: any };
const x = (n: number, ch = 'x') => ch.repeat(n);

/**
 * `send(value)` is accepted (2xx) for each of `ok` and refused with `code` at `/field` for each of `bad`.
 * `okStatus` is what acceptance answers (a few operations answer 201 or a known 422 past validation).
 */
async function edges(field: string, send: (v: unknown) => Promise<Res>, ok: unknown[], bad: unknown[], code: string) {
  for (const v of ok) {
    const res = await send(v);
    expect(res.status, `${field}=${JSON.stringify(v).slice(0, 40)} should be accepted: ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(300);
  }
  for (const v of bad) {
    const res = await send(v);
    expect(res.status, `${field}=${JSON.stringify(v).slice(0, 40)} should be refused`).toBe(422);
    expectError(res, 422, code, { pointer: `/${field}` });
  }
}

const callAction = (id: string, action: string, body: object) => t.v2.post(`/v2/calls/${enc(id)}/actions/${action}`, body);
let names = 0;
const createConference = async (body: object) => t.v2.post('/v2/conferences', { call_control_id: await t.d.call(), name: `limits-${names++}`, ...body });

describe('conference bounds', () => {
  it('max_participants: 2 and 800 accepted, 1 and 801 refused (10033)', async () => {
    // CreateConferenceRequest.max_participants: "Must be between 2 and 800. Defaults to 250".
    await edges('max_participants', (v) => createConference({ max_participants: v }), [2, 800], [1, 801, 0, -1], '10033');
    expectError(await createConference({ max_participants: 2.5 }), 422, '10015', { pointer: '/max_participants' });
  });

  it('duration_minutes: 1 and 1440 accepted (the conference expires that long after creation), 0 and 1441 refused', async () => {
    // CreateConferenceRequest.duration_minutes: "Time length (minutes) after which the conference will end."
    // The spec gives no bounds; the emulator's are 1 minute to 24 hours.
    for (const minutes of [1, 1440]) {
      const res = await createConference({ duration_minutes: minutes });
      expectOk(res);
      expect(Date.parse(res.body.data.expires_at) - Date.parse(res.body.data.created_at)).toBe(minutes * 60_000);
    }
    await edges('duration_minutes', (v) => createConference({ duration_minutes: v }), [], [0, 1441], '10033');
  });

  it('name: 255 characters accepted, 256 refused (10015); a participant label likewise', async () => {
    // The spec bounds neither ("Name of the conference"); the emulator takes 255 characters, as for queue names.
    await edges('name', (v) => t.v2.post('/v2/conferences', { call_control_id: 'unused', name: v }), [], [x(256)], '10015');
    expectOk(await createConference({ name: x(255) }));
    const { id } = await t.d.conference();
    await edges('label', async (v) => t.v2.post(`/v2/conferences/${id}/actions/join`, { call_control_id: await t.d.call(), label: v }),
      [x(255, 'a'), x(255, 'b')], [x(256)], '10015');
  });

  it('speak payload: 3000 characters accepted, 3001 refused (10015)', async () => {
    // ConferenceSpeakRequest.payload: "There is a 3,000 character limit."
    const { id } = await t.d.conference();
    await edges('payload', (v) => t.v2.post(`/v2/conferences/${id}/actions/speak`, { payload: v, voice: 'female' }), [x(3000)], [x(3001)], '10015');
  });

  it('send_dtmf: 128 digits accepted, 129 refused; duration_millis 100 and 500 accepted, 99 and 501 refused', async () => {
    // ConferenceSendDTMFRequest.duration_millis: minimum 100, maximum 500. Digits: the emulator's 128 (as a gather's maximum).
    const { id } = await t.d.conference();
    const send = (b: object) => t.v2.post(`/v2/conferences/${id}/actions/send_dtmf`, { digits: '1', ...b });
    await edges('digits', (v) => send({ digits: v }), [x(128, '1')], [x(129, '1')], '10015');
    await edges('duration_millis', (v) => send({ duration_millis: v }), [100, 500], [99, 501], '10033');
  });

  it('play loop: 1, 100 and "infinity" accepted, 0 and 101 refused (10015)', async () => {
    // ConferencePlayRequest.loop: "the value must be an integer between 1 and 100, or the special string `infinity`".
    const { id } = await t.d.conference();
    await edges('loop', (v) => t.v2.post(`/v2/conferences/${id}/actions/play`, { audio_url: 'https://example.com/a.mp3', loop: v }),
      [1, 100, 'infinity'], [0, 101], '10015');
  });

  it('gather_using_audio: digits 1 to 128 (0 and 129 refused), minimum equal to maximum accepted, above it refused', async () => {
    // ConferenceGatherUsingAudioRequest.minimum_digits / maximum_digits: "minimum: 1" (GatherRequest: "a maximum value of 128").
    const { id, host } = await t.d.conference();
    const gather = (b: object) => t.v2.post(`/v2/conferences/${id}/actions/gather_using_audio`, { call_control_id: host, audio_url: 'https://example.com/p.mp3', ...b });
    await edges('minimum_digits', (v) => gather({ minimum_digits: v }), [1, 128], [0, 129], '10033');
    await edges('maximum_digits', (v) => gather({ maximum_digits: v }), [1, 128], [0, 129], '10033');
    expectOk(await gather({ minimum_digits: 7, maximum_digits: 7 }));
    expectError(await gather({ minimum_digits: 8, maximum_digits: 7 }), 422, '10015', { pointer: '/minimum_digits' });
    await edges('timeout_millis', (v) => gather({ timeout_millis: v }), [1, 600_000], [0, 600_001], '10033');
    await edges('valid_digits', (v) => gather({ valid_digits: v }), [x(64, '1')], [x(65, '1')], '10015');
  });

  it('call_control_ids: 1000 ids pass validation (then 90015 for the first unknown one), 1001 are refused (10015)', async () => {
    // The emulator's cap on a list in a body (the spec gives none).
    const { id } = await t.d.conference();
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `v3:unknown-${i}`);
    expectError(await t.v2.post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: ids(1000) }), 422, '90015', { pointer: '/call_control_ids/0' });
    expectError(await t.v2.post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: ids(1001) }), 422, '10015', { pointer: '/call_control_ids' });
  });
});

describe('call bounds', () => {
  it('speak: payload 3000 accepted, 3001 refused; loop 1, 100, "infinity" accepted, 0 and 101 refused', async () => {
    // SpeakRequest.payload: "There is a 3,000 character limit."
    const call = await t.d.call();
    await edges('payload', (v) => callAction(call, 'speak', { payload: v, voice: 'female' }), [x(3000)], [x(3001)], '10015');
    await edges('loop', (v) => callAction(call, 'speak', { payload: 'hi', voice: 'female', loop: v }), [1, 100, 'infinity'], [0, 101], '10015');
  });

  it('playback_start loop: 1, 100, "infinity" accepted, 0 and 101 refused', async () => {
    // PlayAudioUrlRequest.loop: "the value must be an integer between 1 and 100, or the special string `infinity`".
    const call = await t.d.call();
    await edges('loop', (v) => callAction(call, 'playback_start', { audio_url: 'https://example.com/a.mp3', loop: v }), [1, 100, 'infinity'], [0, 101], '10015');
  });

  it('send_dtmf: 128 digits accepted, 129 refused; duration_millis 100..500', async () => {
    // SendDTMFRequest.duration_millis: "Ranges from 100 to 500ms".
    const call = await t.d.call();
    await edges('digits', (v) => callAction(call, 'send_dtmf', { digits: v }), [x(128, '1')], [x(129, '1')], '10015');
    await edges('duration_millis', (v) => callAction(call, 'send_dtmf', { digits: '1', duration_millis: v }), [100, 500], [99, 501], '10033');
  });

  it('gather: digits 1..128, gather_id 40 characters, valid_digits 64, and the timeouts at their bounds', async () => {
    // GatherRequest: maximum_digits "a maximum value of 128", minimum_digits "a minimum value of 1",
    // gather_id maxLength 40. The timeouts' upper bounds are the emulator's (the spec gives defaults only).
    const call = await t.d.call();
    const gather = (b: object) => callAction(call, 'gather', b);
    await edges('minimum_digits', (v) => gather({ minimum_digits: v }), [1, 128], [0, 129], '10033');
    await edges('maximum_digits', (v) => gather({ maximum_digits: v }), [1, 128], [0, 129], '10033');
    await edges('gather_id', (v) => gather({ gather_id: v }), [x(40)], [x(41)], '10015');
    await edges('valid_digits', (v) => gather({ valid_digits: v }), [x(64, '1')], [x(65, '1')], '10015');
    await edges('initial_timeout_millis', (v) => gather({ initial_timeout_millis: v }), [1, 120_000], [0, 120_001], '10033');
    await edges('inter_digit_timeout_millis', (v) => gather({ inter_digit_timeout_millis: v }), [1, 120_000], [0, 120_001], '10033');
    await edges('timeout_millis', (v) => gather({ timeout_millis: v }), [1, 600_000], [0, 600_001], '10033');
  });

  it('gather_using_speak: maximum_tries 1..10, invalid_payload 3000 characters', async () => {
    // GatherUsingSpeakRequest.invalid_payload: "There is a 3,000 character limit." maximum_tries: the emulator's 1..10.
    const call = await t.d.call();
    const gather = (b: object) => callAction(call, 'gather_using_speak', { payload: 'PIN?', voice: 'female', ...b });
    await edges('maximum_tries', (v) => gather({ maximum_tries: v }), [1, 10], [0, 11], '10033');
    await edges('invalid_payload', (v) => gather({ invalid_payload: v }), [x(3000)], [x(3001)], '10015');
  });

  it('dial: timeout_secs 5 and 600 accepted, 4 and 601 refused; time_limit_secs 30 and 14400 accepted, 29 and 14401 refused', async () => {
    // CallRequest.timeout_secs: "Minimum value is 5 seconds. Maximum value is 600 seconds."
    // CallRequest.time_limit_secs: minimum 30, maximum 14400.
    const dial = (b: object) => t.v2.post('/v2/calls', { connection_id: 'conn-1', from: '+15551110000', to: '+15551110001', ...b });
    await edges('timeout_secs', (v) => dial({ timeout_secs: v }), [5, 600], [4, 601], '10033');
    await edges('time_limit_secs', (v) => dial({ time_limit_secs: v }), [30, 14_400], [29, 14_401], '10033');
  });

  it('transfer: timeout_secs 5..600, time_limit_secs 30..14400, record_max_length 0..43200, from_display_name 128', async () => {
    // TransferCallRequest.timeout_secs: "Minimum value is 5 seconds. Maximum value is 600 seconds.";
    // time_limit_secs: minimum 30, maximum 14400; record_max_length: "The minimum value is 0. The maximum
    // value is 43200."; from_display_name: "should have a maximum of 128 characters".
    const a = await t.d.call();
    const transfer = (b: object) => callAction(a, 'transfer', { to: '+15551110002', ...b });
    await edges('timeout_secs', (v) => transfer({ timeout_secs: v }), [5, 600], [4, 601], '10033');
    await edges('time_limit_secs', (v) => transfer({ time_limit_secs: v }), [30, 14_400], [29, 14_401], '10033');
    await edges('record_max_length', (v) => transfer({ record: 'record-from-answer', record_max_length: v }), [0, 43_200], [-1, 43_201], '10033');
    await edges('from_display_name', (v) => transfer({ from_display_name: v }), [x(128)], [x(129)], '10015');
    await edges('send_digits_on_answer', (v) => transfer({ send_digits_on_answer: v }), [x(64, '1')], [x(65, '1')], '10015');
  });

  it('enqueue: max_size 1..5000, max_wait_time_secs 1..14400, queue_name 255 characters', async () => {
    // EnqueueRequest.max_size: "The maximum number of calls allowed in the queue at a given time." The
    // spec's CreateQueueRequest.max_size has "minimum: 1"; the upper 5000 and max_wait_time_secs' bounds are the emulator's.
    let q = 0;
    const enqueue = async (b: object) => callAction(await t.d.call(), 'enqueue', { queue_name: `q-${q++}`, ...b });
    await edges('max_size', (v) => enqueue({ max_size: v }), [1, 5000], [0, 5001], '10033');
    await edges('max_wait_time_secs', (v) => enqueue({ max_wait_time_secs: v }), [1, 14_400], [0, 14_401], '10033');
    await edges('queue_name', (v) => enqueue({ queue_name: v }), [x(255)], [x(256)], '10015');
  });

  it('record_start: max_length and timeout_secs 0..14400', async () => {
    // StartRecordingRequest.max_length: "The minimum value is 0. The maximum value is 14400."
    // timeout_secs: "The minimum value is 0" (the upper bound is the emulator's, as max_length's).
    const call = await t.d.call();
    const start = async (b: object) => {
      const res = await callAction(call, 'record_start', { format: 'mp3', channels: 'single', ...b });
      if (res.status === 200) expectOk(await callAction(call, 'record_stop', {}));
      return res;
    };
    await edges('max_length', (v) => start({ max_length: v }), [0, 14_400], [-1, 14_401], '10033');
    await edges('timeout_secs', (v) => start({ timeout_secs: v }), [0, 14_400], [-1, 14_401], '10033');
  });

  it('text fields: 4096 characters accepted, 4097 refused (client_state)', async () => {
    // README Limits: "text fields | 4096 characters | 422".
    const call = await t.d.call();
    await edges('client_state', (v) => t.v2.put(`/v2/calls/${enc(call)}/actions/client_state_update`, { client_state: v }),
      [x(4096, 'A')], [x(4097, 'A')], '10015');
  });
});

describe('queue bounds', () => {
  it('create: max_size 1 and 5000 accepted, 0 and 5001 refused; queue_name 255 accepted, 256 refused, empty missing', async () => {
    // CreateQueueRequest: max_size "minimum: 1"; queue_name "Must be between 1 and 255 characters."
    let q = 0;
    await edges('max_size', (v) => t.v2.post('/v2/queues', { queue_name: `create-${q++}`, max_size: v }), [1, 5000], [0, 5001], '10033');
    await edges('queue_name', (v) => t.v2.post('/v2/queues', { queue_name: v }), [x(255)], [x(256)], '10015');
    expectError(await t.v2.post('/v2/queues', { queue_name: '' }), 422, '10004', { pointer: '/queue_name' });
  });

  it('update: max_size 1 and 5000 accepted, 0 and 5001 refused', async () => {
    // UpdateQueueRequest.max_size: "minimum: 1".
    expectOk(await t.v2.post('/v2/queues', { queue_name: 'upd' }));
    await edges('max_size', (v) => t.v2.post('/v2/queues/upd', { max_size: v }), [1, 5000], [0, 5001], '10033');
  });
});

describe('control API bounds', () => {
  it('a caller presses 128 digits at most (129 refused), says 5000 characters at most', async () => {
    // README Limits: "digits per `dtmf` call or scenario `press` step | 128 | 422".
    const call = await t.d.call();
    await edges('digits', (v) => t.v2.post(`/_mock/calls/${enc(call)}/dtmf`, { digits: v }), [x(128, '1')], [x(129, '1')], '10015');
    expect(await t.d.webhooks({ event_type: 'call.dtmf.received' })).toHaveLength(128);
    await edges('text', (v) => t.v2.post(`/_mock/calls/${enc(call)}/say`, { text: v }), [x(5000)], [x(5001)], '10015');
  });

  it('one advance moves at most a year (366 days): that much accepted, a second more refused (10033 at /seconds)', async () => {
    // README: "One advance moves at most a year … an advance that would pass that is a 422 (`10033`, pointer `/seconds`)".
    const YEAR = 366 * 86_400;
    expectError(await t.v2.post('/_mock/clock/advance', { seconds: YEAR + 1 }), 422, '10033', { pointer: '/seconds' });
    const before = (await t.v2.get('/_mock/clock')).body.data.now;
    expectOk(await t.v2.post('/_mock/clock/advance', { seconds: YEAR }));
    expect(Date.parse((await t.v2.get('/_mock/clock')).body.data.now) - Date.parse(before)).toBe(YEAR * 1000);
    expectOk(await t.v2.post('/_mock/clock/advance', { seconds: 'P366D' }));
    expectError(await t.v2.post('/_mock/clock/advance', { seconds: 'P366DT1S' }), 422, '10033', { pointer: '/seconds' });
  });

  it("a number answers after 0 to 600 s (601 refused)", async () => {
    const put = (v: unknown) => t.v2.put('/_mock/numbers/+15557770001', { behaviour: 'answer', answer_after_secs: v });
    await edges('answer_after_secs', put, [0, 600], [-1, 601], '10033');
  });

  it('100 faults armed at once: the 100th accepted, the 101st refused; status 400..599', async () => {
    // README Limits: "faults armed at once | 100 per account | 422".
    for (let i = 0; i < 99; i++) expectOk(await t.v2.post('/_mock/faults', { path: `/v2/f${i}`, status: 503 }), 201);
    await edges('status', (v) => t.v2.post('/_mock/faults', { path: '/v2/last', status: v }), [], [399, 600], '10033');
    expectOk(await t.v2.post('/_mock/faults', { path: '/v2/f99', status: 599 }), 201);
    const refused = await t.v2.post('/_mock/faults', { path: '/v2/f100', status: 400 });
    expectError(refused, 422, '10015', { pointer: '/' });
    expect((await t.v2.get('/_mock/faults')).body.data).toHaveLength(100);
  });
});

describe('webhook URL bounds', () => {
  it('http: and https: URLs accepted, any other scheme refused (10015), wherever a webhook URL is given', async () => {
    // README Limits: "`webhook_url` / `webhook_failover_url` | `http:` or `https:` only | 422".
    const ok = ['http://127.0.0.1:1/hook', 'https://example.com/hook'];
    const bad = ['ftp://example.com/hook', 'file:///etc/passwd', 'example.com/hook'];
    await edges('webhook_url', (v) => t.v2.put('/_mock/connections/conn-1', { webhook_url: v }), ok, bad, '10015');
    await edges('webhook_failover_url', (v) => t.v2.put('/_mock/connections/conn-1', { webhook_failover_url: v }), ok, bad, '10015');
    await edges('webhook_url', (v) => t.v2.post('/_mock/calls', { from: '+15551113333', to: '+15559990000', connection_id: 'c', webhook_url: v }), ok, bad, '10015');
    await edges('webhook_url', (v) => t.v2.post('/v2/calls', { connection_id: 'c', from: '+15551113333', to: '+15551113334', webhook_url: v }), ok, bad, '10015');
    const a = await t.d.call();
    await edges('webhook_url', (v) => callAction(a, 'transfer', { to: '+15551113335', webhook_url: v }), ok, bad, '10015');
  });
});

describe('paging bounds', () => {
  it('/v2 lists: page[size] 1 and 250 accepted, 0 and 251 refused (10033, source.parameter); page[number] from 1', async () => {
    // Spec (ListQueues): page[size] "maximum: 250, minimum: 1"; page[number] "minimum: 1". README: "`/v2` lists | 20 a page by default, at most 250 | 422 beyond".
    for (const path of ['/v2/conferences', '/v2/queues', '/v2/webhook_deliveries']) {
      for (const size of [1, 250]) expectOk(await t.v2.get(`${path}?page[size]=${size}`));
      for (const size of [0, 251]) expectError(await t.v2.get(`${path}?page[size]=${size}`), 422, '10033', { parameter: 'page[size]' });
      expectError(await t.v2.get(`${path}?page[number]=0`), 422, '10033', { parameter: 'page[number]' });
    }
    // The flat spelling the Ruby SDK sends is bounded alike.
    expectError(await t.v2.get('/v2/queues?page_size=251'), 422, '10033', { parameter: 'page_size' });
    const { id } = await t.d.conference();
    expectOk(await t.v2.get(`/v2/conferences/${id}/participants?page[size]=250`));
    expectError(await t.v2.get(`/v2/conferences/${id}/participants?page[size]=251`), 422, '10033', { parameter: 'page[size]' });
  });

  it('/v2 lists give 20 a page by default', async () => {
    for (let i = 0; i < 21; i++) expectOk(await t.v2.post('/v2/queues', { queue_name: `page-${String(i).padStart(2, '0')}` }));
    const first = await t.v2.get('/v2/queues');
    expect(first.body.data).toHaveLength(20);
    expect(first.body.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 2, total_results: 21 });
    expect((await t.v2.get('/v2/queues?page[number]=2')).body.data.map((q: { name: string }) => q.name)).toEqual(['page-20']);
  });

  it('/_mock/webhooks gives 250 a page by default and at most: 252 entries make two pages; page[size] 251 refused', async () => {
    // README Limits: "`/_mock` lists (`webhooks`, `numbers`, `faults`) | 250 a page by default and at most | 422 beyond".
    for (let i = 0; i < 126; i++) await t.d.call(); // 252 webhooks: initiated and answered each
    const page = await t.v2.get('/_mock/webhooks');
    expect(page.body.data).toHaveLength(250);
    expect(page.body.meta).toEqual({ page_number: 1, page_size: 250, total_pages: 2, total_results: 252 });
    expect(await logOf(t.v2)).toHaveLength(252);
    expectOk(await t.v2.get('/_mock/webhooks?page[size]=250'));
    for (const path of ['/_mock/webhooks', '/_mock/numbers', '/_mock/faults']) {
      expectError(await t.v2.get(`${path}?page[size]=251`), 422, '10033', { parameter: 'page[size]' });
    }
  });
});

describe('request and scenario bounds', () => {
  it('a body nested 32 levels deep is read, 33 levels is a 400 pointing at the first value too deep', async () => {
    // README Limits: "JSON/YAML nesting | 32 levels | 400, pointing at the first value too deep".
    const nest = (levels: number): object => (levels === 1 ? {} : { a: nest(levels - 1) });
    // 32 levels: read, then refused for what it lacks (not for its depth).
    expectError(await t.v2.post('/v2/queues', nest(32)), 422, '10004', { pointer: '/queue_name' });
    expectError(await t.v2.post('/v2/queues', nest(33)), 400, '10015', { pointer: `/${Array(32).fill('a').join('/')}` });
  });

  it('a body of exactly 1 MiB is read, one byte more is a 413 (pointer /)', async () => {
    // README Limits: "request body (JSON or YAML), counted in bytes read … | 1 MiB | 413 (pointer `/`)".
    const body = (bytes: number) => {
      const shell = '{"queue_name":"big","pad":""}';
      return `${shell.slice(0, -2)}${x(bytes - shell.length)}"}`;
    };
    const send = (text: string) => t.http.raw.post('/v2/queues').set('Authorization', `Bearer ${t.key}`).set('content-type', 'application/json').send(text);
    expect(Buffer.byteLength(body(1024 * 1024))).toBe(1024 * 1024);
    expectOk(await send(body(1024 * 1024)));
    expectError(await send(body(1024 * 1024 + 1)), 413, '10015', { pointer: '/' });
  });

  it('a YAML scenario may use an anchor 100 times; 101 uses are refused (422, pointer /)', async () => {
    // README Limits: "YAML aliases in a scenario | 100 | 422".
    const ran = await sendYaml(t, yamlWithAliases(100));
    expectOk(ran);
    expect(ran.body.data.steps).toHaveLength(101);
    expectError(await sendYaml(t, yamlWithAliases(101)), 422, '10015', { pointer: '/' });
  });

  it('a scenario: 1000 steps accepted, 1001 refused; caller names of 64 characters, not 65; waits of 10 minutes, not more; press 128 digits, not 129', async () => {
    // README Limits: "scenario steps | 1000 | 422", "caller names in a scenario | 64 characters | 422",
    // "`wait` timeout | 10 minutes | 422", "digits per `dtmf` call or scenario `press` step | 128 | 422".
    const run = (scenario: object) => t.v2.post('/_mock/scenarios/run', { scenario: { name: 'bounds', ...scenario } });
    const freeze = { clock: 'freeze' };
    const ran = await run({ steps: Array(1000).fill(freeze) });
    expectOk(ran);
    expect(ran.body.data.steps).toHaveLength(1000);
    expectError(await run({ steps: Array(1001).fill(freeze) }), 422, '10015', { pointer: '/scenario/steps' });

    const caller = (name: string) => ({ call: name, from: '+15551112222', to: '+15559990000', answered: true });
    expectOk(await run({ steps: [caller(x(64, 'c'))] }));
    expectError(await run({ steps: [caller(x(65, 'c'))] }), 422, '10015', { pointer: '/scenario/steps/0/call' });

    const waitFor = (timeout: string) => run({ steps: [caller('alice'), { wait: { call: 'alice', state: 'answered' }, timeout }] });
    expectOk(await waitFor('10m'));
    expectOk(await waitFor('PT10M'));
    expectError(await waitFor('600001ms'), 422, '10015', { pointer: '/scenario/steps/1/timeout' });

    const press = (digits: string) => run({ steps: [caller('alice'), { press: 'alice', digits }] });
    expectOk(await press(x(128, '1')));
    expectError(await press(x(129, '1')), 422, '10015', { pointer: '/scenario/steps/1/digits' });
  });
});
