import type {
  Application, CallLeg, CallMedia, NumberOrder, PhoneNumber, Conference, ConferenceView, Connection, ConnectionView, MediaPlayback, NewWebhookEvent, NumberRow, Page, Paged,
  Participant, Queue, QueueCall, Timer, WebhookEventRow, Recording, Transfer,
} from '../model/entities.js';
import type { TimerKind, WebhookStatus } from '../../schema/enums.js';
import type { CredentialsStore } from './credentials-store.js';

/**
 * The storage the rules need, declared here and implemented in src/store/ (moto's
 * `backends[account]`, LocalStack's `get_store(account_id, region)`): one store is bound to one
 * account when it is opened, so no method takes an account. It loads and saves; it decides nothing.
 */
export interface AccountStore {
  readonly account: string;

  // call legs
  call(callControlId: string): CallLeg | undefined;
  callsByIds(ids: string[]): CallLeg[];
  saveCall(call: CallLeg): void;
  /** The account's calls for a live view: those not hung up first, then the most recent; at most `limit`. */
  recentCalls(limit: number): Paged<CallLeg>;

  // conferences
  conference(id: string): Conference | undefined;
  activeConferenceByName(name: string): Conference | undefined;
  /** The latest conference of that name, live or not. */
  latestConferenceByName(name: string): ConferenceView | undefined;
  conferenceStatus(id: string): Pick<Conference, 'id' | 'status'> | undefined;
  conferenceView(id: string): ConferenceView | undefined;
  listConferences(filter: { name?: string; status?: string; region?: string }, page: Page): Paged<ConferenceView>;
  saveConference(conf: Conference): void;

  // participants
  participants(conferenceId: string): Participant[];
  /** The first `limit` participants in join order (a view sized to what it shows). */
  firstParticipants(conferenceId: string, limit: number): Participant[];
  /** How many participants a conference has had, and how many of them left (one indexed aggregate). */
  participantTally(conferenceId: string): { all: number; left: number };
  activeParticipants(conferenceId: string): Participant[];
  countActiveParticipants(conferenceId: string): number;
  /** The participant a live call currently is, in whatever conference. */
  participantOfCall(callControlId: string): Participant | undefined;
  nextParticipantSeq(conferenceId: string): number;
  listParticipants(conferenceId: string, filter: { muted?: boolean; onHold?: boolean; whispering?: boolean }, page: Page): Paged<Participant>;
  /** Sets muted / on_hold on every current participant of a conference that differs. */
  setFlagForAll(conferenceId: string, flag: 'muted' | 'onHold', value: boolean, now: number): void;
  saveParticipant(p: Participant): void;

  // queues
  queueByName(name: string): Queue | undefined;
  queueById(id: string): Queue | undefined;
  listQueues(page: Page): Paged<Queue>;
  saveQueue(q: Queue): void;
  deleteQueue(id: string): void;
  queueCall(callControlId: string): QueueCall | undefined;
  /** Calls in a queue in arrival order: index + 1 is the queue position. */
  queueCalls(queueId: string): QueueCall[];
  /** The first `limit` calls of a queue in arrival order. */
  firstQueueCalls(queueId: string, limit: number): QueueCall[];
  /** How many calls a queue holds, and how many of them are still up (one indexed aggregate). */
  queueCallTally(queueId: string): { all: number; alive: number };
  /** How many calls wait in a queue, and the sum of their whole seconds waited at `now` (one indexed aggregate). */
  queueTally(queueId: string, now: number): { size: number; waitSecs: number };
  /** A call's queue position: the calls of its queue that arrived before it, plus one (indexed count). */
  queuePosition(qc: QueueCall): number;
  /** The first live call in a queue's arrival order. */
  firstLiveQueueCall(queueId: string): QueueCall | undefined;
  nextQueueSeq(): number;
  saveQueueCall(qc: QueueCall): void;
  deleteQueueCall(callControlId: string): void;

  // media
  media(id: string): MediaPlayback | undefined;
  mediaOf(conferenceId: string): MediaPlayback[];
  saveMedia(m: MediaPlayback): void;
  deleteMedia(id: string): void;

  // call media (speak / playback_start on a call)
  callMedia(id: string): CallMedia | undefined;
  /** A call's media, queued, playing and ended, in the order it was asked for. */
  callMediaOf(callControlId: string): CallMedia[];
  /** A call's queued audio (speak / playback) of one lane (overlay or not) in one state, in order: indexed, never the history. */
  mediaLane(callControlId: string, overlay: boolean, state: 'queued' | 'playing'): CallMedia[];
  /** The first of mediaLane: what plays in the lane, or the head of its queue. */
  mediaLaneHead(callControlId: string, overlay: boolean, state: 'queued' | 'playing'): CallMedia | undefined;
  /** A call's queued audio (speak / playback) not ended yet, both lanes, in order. */
  activeMediaOf(callControlId: string): CallMedia[];
  /** The highest seq of a call's media (0 for none): the next one is numbered after it. */
  lastCallMediaSeq(callControlId: string): number;
  /** What plays on the call now (main queue and overlay). */
  playingOf(callControlId: string): CallMedia[];
  /** The call's latest recorded webhook. */
  lastEventOf(callControlId: string): { eventType: string; occurredAt: string } | undefined;
  saveCallMedia(m: CallMedia): void;

  // recordings (call and conference)
  recording(id: string): Recording | undefined;
  /** The call's recordings still running or paused, oldest first. */
  activeRecordingsOfCall(callControlId: string): Recording[];
  saveRecording(r: Recording): void;

  // transfers still ringing
  /** The transfer that dialed this leg B, while B rings. */
  transfer(callControlId: string): Transfer | undefined;
  /** The transfers of call A still ringing. */
  transfersFrom(callControlId: string): Transfer[];
  saveTransfer(t: Transfer): void;
  deleteTransfer(callControlId: string): void;

  // timers
  /** `wallDueAt`: when it falls due on the wall clock (null: not while the clock stays frozen). */
  addTimer(dueAt: number, kind: TimerKind, subjectId: string, wallDueAt: number | null): void;
  /** Records that firing the timer threw: it is kept with the error and never fired again. */
  failTimer(id: number, error: string): void;
  cancelTimers(subjectId: string, kind?: TimerKind): void;
  nextDueTimer(until: number): Timer | undefined;
  deleteTimer(id: number): void;

  /**
   * command_id: records (scope, command_id) with the answer the command gave, or returns the
   * answer recorded the first time it was seen.
   */
  firstCommand(scope: string, commandId: string, now: number): { seen: false } | { seen: true; result: string | null };
  saveCommandResult(scope: string, commandId: string, result: string): void;

  // dialed numbers (control API)
  number(e164: string): NumberRow | undefined;
  numbers(): NumberRow[];
  saveNumber(row: Omit<NumberRow, 'account'>): void;
  deleteNumber(e164: string): boolean;

  // provisioning: applications (connections), owned phone numbers, number orders, settings
  /** A connection by id, whatever its kind (the one place connection kinds are joined). */
  connection(connectionId: string): Connection | undefined;
  connectionView(connectionId: string): ConnectionView | undefined;
  /** The account's connections, newest first (a page, and how many there are). */
  listConnections(filter: { nameContains?: string; outboundVoiceProfileId?: string }, page: Page): Paged<ConnectionView>;
  application(id: string): Application | undefined;
  listApplications(filter: ApplicationFilter, page: Page): Paged<Application>;
  saveApplication(app: Application): void;
  deleteApplication(id: string): boolean;
  phoneNumber(id: string): PhoneNumber | undefined;
  phoneNumberByNumber(e164: string): PhoneNumber | undefined;
  listPhoneNumbers(filter: PhoneNumberFilter, page: Page): Paged<PhoneNumber>;
  savePhoneNumber(n: PhoneNumber): void;
  deletePhoneNumber(id: string): boolean;
  /** Numbers assigned to a connection lose it when the connection goes (Telnyx unassigns them). */
  unassignPhoneNumbers(connectionId: string, now: number): void;
  numberOrder(id: string): NumberOrder | undefined;
  listNumberOrders(page: Page): Paged<NumberOrder>;
  saveNumberOrder(o: NumberOrder): void;
  /** The live calls on a connection, oldest first. */
  activeCallsOfConnection(connectionId: string, page: Page): Paged<CallLeg>;
  /** The account's own choice of strictness; undefined: the server's. */
  strictConnections(): boolean | undefined;
  setStrictConnections(strict: boolean | null): void;

  // the webhook outbox
  appendWebhook(row: NewWebhookEvent): void;
  webhookLog(filter: WebhookLogFilter, page?: Page): Paged<WebhookEventRow>;
  lastWebhookSeq(): number;
  /** The log without bodies (what a timeline lists), oldest first; `webhookEntry` loads one in full. */
  webhookSummaries(filter: WebhookLogFilter): WebhookSummary[];
  /** The newest `limit` matching summaries (oldest first) and how many match: a page read without the whole log. */
  webhookSummariesTail(filter: WebhookLogFilter, limit: number): { rows: WebhookSummary[]; total: number };
  webhookEntry(seq: number): WebhookEventRow | undefined;
  /** One recorded webhook by its event id. */
  webhookById(id: string): WebhookEventRow | undefined;
  /**
   * GET /v2/webhook_deliveries's page: listed deliveries only, most recently attempted first,
   * filtered, ordered and paged in the database (an index read, whatever the log's size).
   */
  webhookDeliveries(filter: DeliveryFilter, page: Page): Paged<WebhookEventRow>;
  clearWebhookLog(): number;

  /** Outbound voice profiles, credential connections and telephony credentials (domain/credentials.ts). */
  readonly credentials: CredentialsStore;

  /** Deletes every row of this account (calls, conferences, queues, webhooks, numbers, clock). */
  deleteAll(): void;

  // quotas per account (commands/quotas.ts): counts read from an index, by the account's rows
  countCalls(): number;
  /** Speak / playback / prompt items of the account's calls, and its conferences' playing media. */
  countMedia(): number;
  countCommandIds(): number;
  /** True when this command_id was seen in this scope (a replay, which stores nothing new). */
  commandKnown(scope: string, commandId: string): boolean;
  countWebhookEvents(): number;
  /** Deletes up to `max` of the oldest delivered webhook log rows; how many it deleted. */
  pruneDeliveredWebhooks(max: number): number;
}

export interface ApplicationFilter {
  /** filter[application_name][contains]: case-insensitive. */
  nameContains?: string;
  /** filter[outbound.outbound_voice_profile_id] */
  outboundVoiceProfileId?: string;
  sort?: { column: 'created_at' | 'application_name' | 'active'; desc: boolean };
}

export interface PhoneNumberFilter {
  /** filter[phone_number]: digits the number contains. */
  phoneNumber?: string;
  connectionId?: string;
  tag?: string;
  status?: string;
  customerReference?: string;
}

/** A logged webhook without its body. */
export type WebhookSummary = Pick<WebhookEventRow, 'seq' | 'id' | 'eventType' | 'callControlId' | 'conferenceId'
  | 'occurredAt' | 'status' | 'attempts' | 'url' | 'resendOf'>;

/** GET /v2/webhook_deliveries's filters, decoded (instants in ms). */
export interface DeliveryFilter {
  status?: 'delivered' | 'failed';
  /** Any of these event types. */
  eventTypes?: string[];
  /** Text in the event's data (`webhook`), as stored (case-sensitive). */
  webhookContains?: string;
  /** Text in the attempts as Telnyx shows them (serialize/webhook-deliveries.ts), JSON-encoded. */
  attemptsContains?: string;
  startedGte?: number;
  startedLte?: number;
  finishedGte?: number;
  finishedLte?: number;
}

export interface WebhookLogFilter {
  eventType?: string;
  callControlId?: string;
  conferenceId?: string;
  status?: WebhookStatus;
  /** Only events recorded after this sequence number (see `lastWebhookSeq`). */
  after?: number;
  /** Only failures: finally failed, or the latest finished attempt refused or unanswered (model/webhook.ts webhookFailed). */
  failed?: boolean;
  /** Only event types containing this text (any case). */
  eventTypeContains?: string;
}
