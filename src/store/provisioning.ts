import { and, asc, count, desc, eq, ne, sql, type SQL } from 'drizzle-orm';
import { accountSettings, callControlApplications as apps, callLegs, credentialConnections, numberOrders, phoneNumbers } from '../../schema/index.js';
import type { ApplicationFilter, PhoneNumberFilter } from '../domain/store.js';
import type {
  Application, CallLeg, Connection, ConnectionView, NumberOrder, Page, Paged, PhoneNumber,
} from '../model/entities.js';
import type { Db } from './db.js';
import { likeContains } from './like.js';
import { fastRead } from './rows.js';


const offset = (page: Page) => (page.number - 1) * page.size;

/**
 * Insertion order, for rows made in the same millisecond: "newest first" stays newest first (an
 * update keeps a row's rowid).
 */
const ROWID = sql`rowid`;

type CredentialConnectionRow = typeof credentialConnections.$inferSelect;

/** A credential connection as a connection: its webhook settings are kept in its settings object. */
function credentialAsConnection(c: CredentialConnectionRow): ConnectionView {
  const s = c.settings as { webhook_event_url?: string | null; webhook_event_failover_url?: string | null;
    webhook_timeout_secs?: number | null; webhook_api_version?: string; anchorsite_override?: string; tags?: string[] };
  return {
    connectionId: c.id, recordType: 'credential_connection', name: c.connectionName,
    webhookUrl: s.webhook_event_url || null, webhookFailoverUrl: s.webhook_event_failover_url || null, active: c.active,
    webhookTimeoutSecs: s.webhook_timeout_secs ?? null, anchorsiteOverride: s.anchorsite_override ?? 'Latency',
    outboundVoiceProfileId: c.outboundVoiceProfileId, webhookApiVersion: s.webhook_api_version === '2' ? '2' : '1',
    tags: s.tags ?? [], createdAt: c.createdAt, updatedAt: c.updatedAt,
  };
}

const applicationAsConnection = (app: Application): ConnectionView => ({
  connectionId: app.id, recordType: 'call_control_application', name: app.applicationName,
  webhookUrl: app.webhookEventUrl, webhookFailoverUrl: app.webhookEventFailoverUrl, active: app.active,
  webhookTimeoutSecs: app.webhookTimeoutSecs, anchorsiteOverride: app.anchorsiteOverride, outboundVoiceProfileId: app.outbound.outbound_voice_profile_id ?? null,
  webhookApiVersion: app.webhookApiVersion, tags: app.tags, createdAt: app.createdAt, updatedAt: app.updatedAt,
});

type ConnectionRow = { kind: Connection['recordType']; url: string | null; failover: string | null; active: number; timeout: number | null };

/**
 * The hot reads, prepared once per database and bound by position (store/rows.ts), never built by
 * drizzle's query builder per call:
 * - a connection as the webhook rule reads it, by id, whatever its kind: every webhook recorded
 *   looks its call's connection up, so no JSON decoding beyond the four settings it needs;
 * - what every placed call asks (is its number owned, are connections strict): through the query
 *   builder these cost about 150 µs and 45 µs a call.
 */
const prepared = new WeakMap<Db, ReturnType<typeof prepare>>();
function prepare(db: Db) {
  const connection = db.$client.prepare<[string, string, string, string], ConnectionRow>(`
    select 'call_control_application' as kind, webhook_event_url as url, webhook_event_failover_url as failover,
      active, webhook_timeout_secs as timeout
    from call_control_applications where account = ? and id = ?
    union all
    select 'credential_connection', json_extract(settings, '$.webhook_event_url'), json_extract(settings, '$.webhook_event_failover_url'),
      active, json_extract(settings, '$.webhook_timeout_secs')
    from credential_connections where account = ? and id = ?
    limit 1`);
  return {
    connection: (account: string, id: string) => connection.get(account, id, account, id),
    phoneNumber: fastRead(db, phoneNumbers, 'account = ? and phone_number = ?'),
    settings: fastRead(db, accountSettings, 'account = ?'),
  };
}

/**
 * The rows an account provisions through Telnyx's API (schema/provisioning.ts): applications,
 * owned phone numbers, number orders and the account's settings. The account-bound store
 * (account-store.ts) is built on it.
 */
export class ProvisioningRows {
  private readonly reads: ReturnType<typeof prepare>;

  constructor(protected readonly db: Db, readonly account: string) {
    let reads = prepared.get(db);
    if (!reads) prepared.set(db, reads = prepare(db));
    this.reads = reads;
  }

  // connections: today every connection is a Call Control application.

  /**
   * A connection by id, whatever its kind: a Call Control application or a credential
   * connection. Here, in `connectionView` and in `listConnections`, and nowhere else, the kinds
   * of connection meet.
   */
  connection(connectionId: string): Connection | undefined {
    const c = this.reads.connection(this.account, connectionId);
    return c && {
      connectionId, recordType: c.kind, webhookUrl: c.url || null, webhookFailoverUrl: c.failover || null,
      active: c.active === 1, webhookTimeoutSecs: c.timeout ?? null,
    };
  }

  connectionView(connectionId: string): ConnectionView | undefined {
    const app = this.application(connectionId);
    if (app) return applicationAsConnection(app);
    const cred = this.db.select().from(credentialConnections)
      .where(and(eq(credentialConnections.account, this.account), eq(credentialConnections.id, connectionId))).get();
    return cred && credentialAsConnection(cred);
  }

  /**
   * Both kinds, newest first. Merged in memory: each kind is bounded per account (applications
   * at MAX_APPLICATIONS, credential connections by their own limit), so the whole list is too.
   */
  listConnections(filter: { nameContains?: string; outboundVoiceProfileId?: string }, page: Page): Paged<ConnectionView> {
    const name = filter.nameContains?.toLowerCase();
    const all = [
      ...this.db.select().from(apps).where(eq(apps.account, this.account)).orderBy(asc(ROWID)).all().map(applicationAsConnection),
      ...this.db.select().from(credentialConnections).where(eq(credentialConnections.account, this.account))
        .orderBy(asc(ROWID)).all().map(credentialAsConnection),
    ].filter((c) => (name === undefined || c.name.toLowerCase().includes(name))
      && (filter.outboundVoiceProfileId === undefined || c.outboundVoiceProfileId === filter.outboundVoiceProfileId));
    // Stable: within one millisecond, the order they were made in (newest first after the reverse).
    const sorted = all.map((c, i) => ({ c, i })).sort((x, y) => y.c.createdAt - x.c.createdAt || y.i - x.i).map((x) => x.c);
    return { total: sorted.length, rows: sorted.slice(offset(page), offset(page) + page.size) };
  }

  // Call Control applications

  application(id: string): Application | undefined {
    return this.db.select().from(apps).where(and(eq(apps.account, this.account), eq(apps.id, id))).get();
  }

  listApplications(filter: ApplicationFilter, page: Page): Paged<Application> {
    const where: SQL[] = [eq(apps.account, this.account)];
    if (filter.nameContains !== undefined) where.push(likeContains(apps.applicationName, filter.nameContains));
    if (filter.outboundVoiceProfileId !== undefined) {
      where.push(sql`json_extract(${apps.outbound}, '$.outbound_voice_profile_id') = ${filter.outboundVoiceProfileId}`);
    }
    const cond = and(...where);
    const sort = filter.sort ?? { column: 'created_at', desc: true };
    const column = { created_at: apps.createdAt, application_name: apps.applicationName, active: apps.active }[sort.column];
    const rows = this.db.select().from(apps).where(cond)
      .orderBy(sort.desc ? desc(column) : asc(column), sort.desc ? desc(ROWID) : asc(ROWID))
      .limit(page.size).offset(offset(page)).all();
    return { rows, total: this.db.select({ n: count() }).from(apps).where(cond).get()?.n ?? 0 };
  }

  saveApplication(app: Application): void {
    this.db.insert(apps).values(app).onConflictDoUpdate({ target: [apps.account, apps.id], set: app }).run();
  }

  deleteApplication(id: string): boolean {
    return this.db.delete(apps).where(and(eq(apps.account, this.account), eq(apps.id, id))).run().changes > 0;
  }

  // owned phone numbers

  phoneNumber(id: string): PhoneNumber | undefined {
    return this.db.select().from(phoneNumbers).where(and(eq(phoneNumbers.account, this.account), eq(phoneNumbers.id, id))).get();
  }

  phoneNumberByNumber(e164: string): PhoneNumber | undefined {
    return this.reads.phoneNumber.get(this.account, e164);
  }

  listPhoneNumbers(filter: PhoneNumberFilter, page: Page): Paged<PhoneNumber> {
    const where: SQL[] = [eq(phoneNumbers.account, this.account)];
    if (filter.phoneNumber !== undefined) where.push(likeContains(phoneNumbers.phoneNumber, filter.phoneNumber));
    if (filter.connectionId !== undefined) where.push(eq(phoneNumbers.connectionId, filter.connectionId));
    if (filter.customerReference !== undefined) where.push(eq(phoneNumbers.customerReference, filter.customerReference));
    if (filter.tag !== undefined) where.push(sql`exists (select 1 from json_each(${phoneNumbers.tags}) where value = ${filter.tag})`);
    // Every owned number is active: a status filter for any other status finds none.
    if (filter.status !== undefined && filter.status !== 'active') where.push(sql`0`);
    const cond = and(...where);
    const rows = this.db.select().from(phoneNumbers).where(cond)
      .orderBy(desc(phoneNumbers.createdAt), desc(ROWID)).limit(page.size).offset(offset(page)).all();
    return { rows, total: this.db.select({ n: count() }).from(phoneNumbers).where(cond).get()?.n ?? 0 };
  }

  savePhoneNumber(n: PhoneNumber): void {
    this.db.insert(phoneNumbers).values(n).onConflictDoUpdate({ target: [phoneNumbers.account, phoneNumbers.id], set: n }).run();
  }

  deletePhoneNumber(id: string): boolean {
    return this.db.delete(phoneNumbers).where(and(eq(phoneNumbers.account, this.account), eq(phoneNumbers.id, id))).run().changes > 0;
  }

  unassignPhoneNumbers(connectionId: string, now: number): void {
    this.db.update(phoneNumbers).set({ connectionId: null, updatedAt: now })
      .where(and(eq(phoneNumbers.account, this.account), eq(phoneNumbers.connectionId, connectionId))).run();
  }

  // number orders

  numberOrder(id: string): NumberOrder | undefined {
    return this.db.select().from(numberOrders).where(and(eq(numberOrders.account, this.account), eq(numberOrders.id, id))).get();
  }

  listNumberOrders(page: Page): Paged<NumberOrder> {
    const cond = eq(numberOrders.account, this.account);
    const rows = this.db.select().from(numberOrders).where(cond)
      .orderBy(desc(numberOrders.createdAt), desc(ROWID)).limit(page.size).offset(offset(page)).all();
    return { rows, total: this.db.select({ n: count() }).from(numberOrders).where(cond).get()?.n ?? 0 };
  }

  saveNumberOrder(o: NumberOrder): void {
    this.db.insert(numberOrders).values(o).onConflictDoUpdate({ target: [numberOrders.account, numberOrders.id], set: o }).run();
  }

  // a connection's calls

  activeCallsOfConnection(connectionId: string, page: Page): Paged<CallLeg> {
    const cond = and(eq(callLegs.account, this.account), eq(callLegs.connectionId, connectionId), ne(callLegs.state, 'hangup'));
    const rows = this.db.select().from(callLegs).where(cond)
      .orderBy(asc(callLegs.startTime), asc(callLegs.callControlId)).limit(page.size).offset(offset(page)).all();
    return { rows, total: this.db.select({ n: count() }).from(callLegs).where(cond).get()?.n ?? 0 };
  }

  // settings

  strictConnections(): boolean | undefined {
    return this.reads.settings.get(this.account)?.strictConnections ?? undefined;
  }

  setStrictConnections(strict: boolean | null): void {
    const row = { account: this.account, strictConnections: strict };
    this.db.insert(accountSettings).values(row).onConflictDoUpdate({ target: accountSettings.account, set: row }).run();
  }
}
