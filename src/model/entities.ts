/**
 * The entities every room reads: rows as the store loads them and the domain changes them.
 * Their shapes come from the drizzle tables in schema/ (one definition for the SQL and the types).
 */
import type {
  callLegs, conferences, participants, queues, queueCalls, timers, mediaPlaybacks, webhookEvents, numbers, callMedia,
  recordings, transfers, callControlApplications, phoneNumbers, numberOrders,
} from '../../schema/index.js';

export type CallLeg = typeof callLegs.$inferSelect;
export type Conference = typeof conferences.$inferSelect;
export type Participant = typeof participants.$inferSelect;
export type Queue = typeof queues.$inferSelect;
export type QueueCall = typeof queueCalls.$inferSelect;
export type Timer = typeof timers.$inferSelect;
export type MediaPlayback = typeof mediaPlaybacks.$inferSelect;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = Omit<typeof webhookEvents.$inferInsert, 'seq'>;
export type NumberRow = typeof numbers.$inferSelect;
/** speak / playback_start on a call: queued, playing or ended (the call's media history). */
export type CallMedia = typeof callMedia.$inferSelect;
export type Recording = typeof recordings.$inferSelect;
export type Transfer = typeof transfers.$inferSelect;
/** A Call Control application: its id is a connection_id (schema/provisioning.ts). */
export type Application = typeof callControlApplications.$inferSelect;
/** A phone number the account owns. */
export type PhoneNumber = typeof phoneNumbers.$inferSelect;
export type NumberOrder = typeof numberOrders.$inferSelect;
export type { PendingGather, GatherPrompt, DeliveryAttempt } from '../../schema/index.js';

/** The columns the API shows of a conference: reads select only these (mapping columns costs). */
export type ConferenceView = Pick<Conference, 'id' | 'name' | 'status' | 'region' | 'connectionId' | 'createdAt'
  | 'updatedAt' | 'expiresAt' | 'endReason' | 'endedByCallControlId' | 'endedByCallSessionId'>;

export interface Page { number: number; size: number }
export interface Paged<T> { rows: T[]; total: number }

/**
 * A connection as the webhook rule reads it: its webhook URLs and whether it can be used. A
 * connection is a Call Control application or a credential connection.
 */
export interface Connection {
  connectionId: string;
  /** What it is, as Telnyx's `record_type` names it. */
  recordType: 'call_control_application' | 'credential_connection';
  webhookUrl: string | null;
  webhookFailoverUrl: string | null;
  /** "Specifies whether the connection can be used." */
  active: boolean;
  /** webhook_timeout_secs: "Specifies how many seconds to wait before timing out a webhook" (null: the server's). */
  webhookTimeoutSecs: number | null;
}

/** A connection as `GET /v2/connections` shows it (the `Connection` schema). */
export interface ConnectionView extends Connection {
  name: string;
  anchorsiteOverride: string;
  outboundVoiceProfileId: string | null;
  webhookApiVersion: '1' | '2';
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

/** How a dialed number behaves (set through the control API; default: answers at once). */
export type NumberBehaviour =
  | { kind: 'answer'; afterSecs: number }
  | { kind: 'busy' }
  | { kind: 'no_answer' }
  | { kind: 'reject' };
