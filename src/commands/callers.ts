/** The far end of the line (control API): callers arrive, press keys, speak and hang up. */
import type { CallLeg } from '../model/entities.js';
import { errors } from '../model/errors.js';
import { requireCall } from '../domain/call-leg.js';
import * as caller from '../domain/caller.js';
import { inboundConnection } from '../domain/provisioning.js';
import type { Account } from './account.js';
import { SPEECH_STATES } from '../../schema/enums.js';
import { address, body, bool, oneOf, string, withDefault } from './schema.js';
import { clientState, pressedKeys, webhookUrl } from './fields.js';
import { ensureRoom } from './quotas.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

/**
 * The connection a placed caller arrives on when it names none: the same for every door (POST
 * /_mock/calls, startMock().placeCall(), a scenario's call step), so a quick test needs no
 * connection set up first. A connection saved under this id gives such calls its webhook URLs.
 */
export const DEFAULT_CONNECTION_ID = 'telnyx-mock';

export const PlaceCall = body({
  from: address({ required: true }),
  to: address({ required: true }),
  // The default when none is named; an owned number's connection routes its calls whatever is named.
  connection_id: withDefault(string(), DEFAULT_CONNECTION_ID),
  client_state: clientState,
  answered: bool(),
  // Where this call's webhooks go, ahead of its connection's and the server's URLs (its failover with it).
  webhook_url: webhookUrl,
  webhook_failover_url: webhookUrl,
});

/** Keys a caller can press on a phone: 0-9, A-D, * and #. */
export const PressDigits = body({ digits: pressedKeys });

export const Speech = body({ state: oneOf(SPEECH_STATES, { required: true }) });

export const Say = body({ text: string({ required: true, max: 5000 }) });

/**
 * An inbound call arrives (on DEFAULT_CONNECTION_ID unless it names one): it rings (call.initiated)
 * until the app answers, unless `answered`. A call to a number the account owns arrives on that
 * number's connection (its application's webhook URL), whatever connection_id the caller names.
 */
export function placeCall(a: Account, input: unknown): CallLeg {
  const b = PlaceCall.parse(input);
  return a.write((ctx) => {
    ensureRoom(a, 'calls');
    return caller.receiveCall(ctx, {
      from: b.from, to: b.to, connectionId: inboundConnection(ctx, b.to, b.connection_id), clientState: b.client_state,
      answered: b.answered, webhookUrl: b.webhook_url, webhookFailoverUrl: b.webhook_failover_url,
    });
  });
}

/** A call as the far end sees it. */
export function farEndCall(a: Account, callControlId: string): CallLeg {
  const call = a.read((ctx) => ctx.store.call(callControlId));
  if (!call) throw errors.notFound('Call');
  return call;
}

/** The caller (or, on a dialed call, the callee) hangs up. */
export function farEndHangup(a: Account, callControlId: string): CallLeg {
  return a.write((ctx) => {
    const call = requireCall(ctx, callControlId);
    caller.farEndHangup(ctx, call);
    return call;
  });
}

/** The caller presses keys: call.dtmf.received per digit; a pending gather may complete. */
export function pressDigits(a: Account, callControlId: string, input: unknown): void {
  const b = PressDigits.parse(input);
  a.write((ctx) => caller.pressDigits(ctx, requireCall(ctx, callControlId), b.digits));
}

/** The caller starts or stops speaking: moves the conference floor. */
export function speech(a: Account, callControlId: string, input: unknown): void {
  const b = Speech.parse(input);
  a.write((ctx) => caller.speech(ctx, requireCall(ctx, callControlId), b.state));
}

/**
 * The caller says TEXT: call.transcription carries it while transcription runs on the call, and
 * in a conference the floor moves to the caller, as with `speech`.
 */
export function say(a: Account, callControlId: string, input: unknown): void {
  const b = Say.parse(input);
  a.write((ctx) => caller.callerSays(ctx, requireCall(ctx, callControlId), b.text));
}
