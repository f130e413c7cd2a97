/**
 * POST /calls/{call_control_id}/actions/transfer. Fields and enums from the SDK's
 * ActionTransferParams and the spec's TransferCallRequest; the rules are in domain/transfer.ts.
 */
import { AMD_MODES } from '../../schema/enums.js';
import { errors } from '../model/errors.js';
import * as callLeg from '../domain/call-leg.js';
import { transfer as transferCall } from '../domain/transfer.js';
import type { Account } from './account.js';
import { address, body, bool, custom, exclusive, int, oneOf, string, url, type Json } from './schema.js';
import { clientState, commandId, DTMF, dtmf, recordingFileName, webhookUrl, webhookUrlMethod } from './fields.js';
import { ensureRoom } from './quotas.js';

/**
 * `to`: a number or SIP URI, optionally followed by `,digits` to send once it answers
 * ("+18004247767,200"); the digits are checked, and the number before them is dialed.
 */
const transferTo = custom((v, name) => {
  const text = string({ required: true })({ [name]: v }, name);
  const [number, digits, ...rest] = text.split(',');
  if (rest.length > 0 || (digits !== undefined && !DTMF.test(digits))) {
    throw errors.invalid(name, `The '${name}' parameter may only be followed by ',' and DTMF digits (0-9, A-D, *, #, w, W).`);
  }
  return address({ required: true })({ [name]: number }, name);
});

/** A list of `{name, value}` headers (custom_headers, sip_headers). */
const headers = custom((v, name) => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((h) => typeof h !== 'object' || h === null || typeof (h as Json).name !== 'string'
    || typeof (h as Json).value !== 'string')) {
    throw errors.invalid(name, `The '${name}' parameter must be an array of objects with a string 'name' and 'value'.`);
  }
  return v as Array<{ name: string; value: string }>;
});

/** A JSON object (answering_machine_detection_config, webhook_urls, …): its contents are not emulated. */
const object = custom((v, name) => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalid(name, `The '${name}' parameter must be an object.`);
  return v as Json;
});

export const Transfer = body({
  to: transferTo,
  from: address(),
  from_display_name: string({ max: 128 }),
  answering_machine_detection: oneOf(AMD_MODES),
  answering_machine_detection_config: object,
  audio_url: url(),
  media_name: string(),
  client_state: clientState,
  command_id: commandId,
  custom_headers: headers,
  diversion: string(),
  early_media: bool(),
  media_encryption: oneOf(['disabled', 'SRTP', 'DTLS'] as const),
  mute_dtmf: oneOf(['none', 'both', 'self', 'opposite'] as const),
  park_after_unbridge: string(),
  preferred_codecs: string(),
  privacy: oneOf(['id', 'none'] as const),
  record: oneOf(['record-from-answer'] as const),
  record_channels: oneOf(['single', 'dual'] as const),
  record_custom_file_name: recordingFileName,
  record_format: oneOf(['wav', 'mp3'] as const),
  record_max_length: int(0, 43_200),
  record_timeout_secs: int(0, 43_200),
  record_track: oneOf(['both', 'inbound', 'outbound'] as const),
  record_trim: oneOf(['trim-silence'] as const),
  route_to_mobile: bool(),
  // "Maximum 64 characters."
  send_digits_on_answer: dtmf({ max: 64 }),
  sip_auth_password: string(),
  sip_auth_username: string(),
  sip_headers: headers,
  sip_region: oneOf(['US', 'Europe', 'Canada', 'Australia', 'Middle East'] as const),
  sip_transport_protocol: oneOf(['UDP', 'TCP', 'TLS'] as const),
  sound_modifications: object,
  target_leg_client_state: string(),
  time_limit_secs: int(30, 14_400),
  timeout_secs: int(5, 600),
  webhook_retries_policies: object,
  webhook_url: webhookUrl,
  webhook_url_method: webhookUrlMethod,
  webhook_urls: object,
  webhook_urls_method: webhookUrlMethod,
}, exclusive('audio_url', 'media_name'));

/** Transfers the call to `to`: leg B rings, and A keeps taking commands whatever becomes of it. */
export function transfer(a: Account, callControlId: string, input: unknown, origin?: string): void {
  const b = Transfer.parse(input);
  // TransferCallRequest defaults: record_format mp3, record_channels dual, record_max_length 0 (none).
  const record = b.record === 'record-from-answer'
    ? { format: b.record_format ?? 'mp3', channels: b.record_channels ?? 'dual', maxLengthSecs: b.record_max_length || undefined }
    : undefined;
  a.write((ctx) => {
    const call = callLeg.requireCall(ctx, callControlId);
    ensureRoom(a, 'calls'); // leg B
    transferCall(ctx, call, {
      to: b.to, from: b.from, timeoutSecs: b.timeout_secs, timeLimitSecs: b.time_limit_secs,
      amd: b.answering_machine_detection, webhookUrl: b.webhook_url, clientState: b.client_state,
      targetLegClientState: b.target_leg_client_state, record, origin,
    });
  }, { scope: callControlId, commandId: b.command_id });
}

/** The actions this file serves, by the name in their path (spread into CALL_ACTIONS). */
export const TRANSFER_ACTIONS = [['transfer', transfer]] as const;
