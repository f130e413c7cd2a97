import { describe, expect, it } from 'vitest';
import { REFUSED, accountPerTest, enc, expectError, logOf, sendYaml, yamlWithAliases } from './support.js';

/**
 * Behaviour where the code contradicted the README or Telnyx's spec, found while writing test/net
 * and fixed before the lifecycle move; each test says what is expected, where that is written, and
 * what the code did before ("Was:").
 */
const t = accountPerTest('KEY_net_bugs', { webhookAttempts: 2, webhookBackoffMs: 60_000, webhookBackoffMaxMs: 60_000 });

describe('fixed before the move', () => {
  it('the update action names the field it was given: 90015 for a non-participant points at /call_control_id', async () => {
    // UpdateConferenceRequest has `call_control_id` (a string), no `call_control_ids`. README: "422 for
    // validation … and for invalid state (… `90015` unknown call_control_id …) — `source.pointer` names
    // the field"; TELNYX-SEMANTICS: "`90015` Invalid Call Control ID (pointer `/call_control_id`)".
    // Was: pointer "/call_control_ids/0".
    const { id } = await t.d.conference();
    const stranger = await t.d.call();
    const res = await t.v2.post(`/v2/conferences/${id}/actions/update`, { call_control_id: stranger, supervisor_role: 'barge' });
    expectError(res, 422, '90015', { pointer: '/call_control_id' });
  });

  it('gather_using_audio names the field it was given: 90015 for a non-participant points at /call_control_id', async () => {
    // ConferenceGatherUsingAudioRequest has `call_control_id` (a string). Was: pointer "/call_control_ids/0".
    const { id } = await t.d.conference();
    const stranger = await t.d.call();
    const res = await t.v2.post(`/v2/conferences/${id}/actions/gather_using_audio`, { call_control_id: stranger, audio_url: 'https://example.com/p.mp3' });
    expectError(res, 422, '90015', { pointer: '/call_control_id' });
  });

  it('a caller placed with webhook_url and webhook_failover_url fails over to that failover URL', async () => {
    // README "Where they go, first match wins …: 1. the `webhook_url` / `webhook_failover_url` given when
    // the call was … placed (`POST /_mock/calls`)". Was: POST /_mock/calls took no
    // webhook_failover_url: it was silently dropped, so the call had no failover at all. (Telnyx's
    // dial takes no failover URL, so POST /v2/calls keeps taking none; the README says so now.)
    const res = await t.v2.post('/_mock/calls', {
      from: '+15550990001', to: '+15559990000', connection_id: 'conn-1',
      webhook_url: `${REFUSED}/primary`, webhook_failover_url: `${REFUSED}/failover`,
    });
    expect(res.status).toBe(201);
    const [initiated] = await logOf(t.v2, { call_control_id: res.body.data.call_control_id });
    expect([initiated.url, initiated.failover_url]).toEqual([`${REFUSED}/primary`, `${REFUSED}/failover`]);
  });

  it('a recording file name longer than 40 characters is refused (custom_file_name, record_custom_file_name)', async () => {
    // StartRecordingRequest.custom_file_name, StartConferenceRecordingRequest.custom_file_name and
    // TransferCallRequest.record_custom_file_name: "maxLength: 40, minLength: 1". Was: 41 characters
    // (any length up to the 4096 of every text field) were accepted.
    const name = 'n'.repeat(41);
    const call = await t.d.call();
    expectError(await t.v2.post(`/v2/calls/${enc(call)}/actions/record_start`, { format: 'mp3', channels: 'single', custom_file_name: name }),
      422, '10015', { pointer: '/custom_file_name' });
    const { id } = await t.d.conference();
    expectError(await t.v2.post(`/v2/conferences/${id}/actions/record_start`, { format: 'mp3', custom_file_name: name }),
      422, '10015', { pointer: '/custom_file_name' });
    expectError(await t.v2.post(`/v2/calls/${enc(call)}/actions/transfer`, { to: '+15550990099', record_custom_file_name: name }),
      422, '10015', { pointer: '/record_custom_file_name' });
  });

  it('a YAML scenario may use an anchor 100 times', async () => {
    // README Limits: "YAML aliases in a scenario | 100 | 422"; src/scenario/parse.ts words its refusal "too many
    // YAML aliases (at most 100 uses of an anchor)". Was: 100 uses were refused with exactly that message
    // (the yaml library counts the anchor itself: maxAliasCount 100 allows 99 aliases).
    const res = await sendYaml(t, yamlWithAliases(100));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.steps).toHaveLength(101);
  });
});
