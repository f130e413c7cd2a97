/**
 * The SQL of outbound voice profiles, credential connections and telephony credentials (the port
 * is domain/credentials.ts). Statements are prepared once per database; a bound store is a few
 * fields, made once per account with its AccountStore.
 */
import { and, asc, count, desc, eq, lte, gt, isNull, or, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { credentialConnections, outboundVoiceProfiles, telephonyCredentials } from '../../schema/index.js';
import type {
  ConnectionFilter, ConnectionSort, CredentialConnection, CredentialFilter, CredentialsStore, OutboundVoiceProfile,
  ProfileFilter, ProfileSort, TelephonyCredential,
} from '../domain/credentials-store.js';
import type { Page, Paged } from '../model/entities.js';
import type { Db } from './db.js';
import { likeContains } from './like.js';

const p = (name: string) => sql.placeholder(name);

function statements(db: Db) {
  const byId = <T extends typeof outboundVoiceProfiles | typeof credentialConnections | typeof telephonyCredentials>(t: T) =>
    db.select().from(t).where(and(eq(t.account, p('account')), eq(t.id, p('id')))).prepare();
  const counter = <T extends typeof outboundVoiceProfiles | typeof credentialConnections | typeof telephonyCredentials>(t: T) =>
    db.select({ n: count() }).from(t).where(eq(t.account, p('account'))).prepare();
  return {
    profile: byId(outboundVoiceProfiles),
    connection: byId(credentialConnections),
    credential: byId(telephonyCredentials),
    countProfiles: counter(outboundVoiceProfiles),
    countConnections: counter(credentialConnections),
    countCredentials: counter(telephonyCredentials),
    connectionByUserName: db.select().from(credentialConnections)
      .where(and(eq(credentialConnections.account, p('account')), eq(credentialConnections.userName, p('userName')))).prepare(),
    profileConnections: db.select({ n: count() }).from(credentialConnections)
      .where(and(eq(credentialConnections.account, p('account')), eq(credentialConnections.outboundVoiceProfileId, p('id')))).prepare(),
  };
}
type Statements = ReturnType<typeof statements>;
const prepared = new WeakMap<Db, Statements>();


/** One page and the total, in `order` then by id (so equal keys page stably). */
function paged<T>(db: Db, table: typeof outboundVoiceProfiles | typeof credentialConnections | typeof telephonyCredentials,
  where: SQL | undefined, order: SQL[], page: Page): Paged<T> {
  const rows = db.select().from(table).where(where).orderBy(...order, asc(table.id))
    .limit(page.size).offset((page.number - 1) * page.size).all() as T[];
  const total = db.select({ n: count() }).from(table).where(where).get()?.n ?? 0;
  return { rows, total };
}

const ordered = (col: AnyColumn, descending: boolean) => (descending ? desc(col) : asc(col));

class BoundCredentials implements CredentialsStore {
  constructor(private readonly db: Db, private readonly s: Statements, private readonly account: string) {}

  profile(id: string): OutboundVoiceProfile | undefined {
    return this.s.profile.get({ account: this.account, id });
  }
  listProfiles(filter: ProfileFilter, sort: ProfileSort, page: Page): Paged<OutboundVoiceProfile> {
    const t = outboundVoiceProfiles;
    const where = and(eq(t.account, this.account), filter.nameContains !== undefined ? likeContains(t.name, filter.nameContains) : undefined);
    const col = sort.by === 'name' ? t.name : sort.by === 'enabled' ? t.enabled : t.createdAt;
    return paged(this.db, t, where, [ordered(col, sort.descending), ordered(t.createdAt, sort.descending)], page);
  }
  countProfiles(): number {
    return this.s.countProfiles.get({ account: this.account })?.n ?? 0;
  }
  saveProfile(row: Omit<OutboundVoiceProfile, 'account'>): void {
    const full = { ...row, account: this.account };
    this.db.insert(outboundVoiceProfiles).values(full).onConflictDoUpdate({ target: outboundVoiceProfiles.id, set: full }).run();
  }
  deleteProfile(id: string): void {
    this.db.delete(outboundVoiceProfiles).where(and(eq(outboundVoiceProfiles.account, this.account), eq(outboundVoiceProfiles.id, id))).run();
  }
  profileConnections(id: string): number {
    return this.s.profileConnections.get({ account: this.account, id })?.n ?? 0;
  }

  connection(id: string): CredentialConnection | undefined {
    return this.s.connection.get({ account: this.account, id });
  }
  connectionByUserName(userName: string): CredentialConnection | undefined {
    return this.s.connectionByUserName.get({ account: this.account, userName });
  }
  listConnections(filter: ConnectionFilter, sort: ConnectionSort, page: Page): Paged<CredentialConnection> {
    const t = credentialConnections;
    const where = and(
      eq(t.account, this.account),
      filter.none ? sql`0` : undefined,
      filter.nameContains !== undefined ? likeContains(t.connectionName, filter.nameContains) : undefined,
      filter.outboundVoiceProfileId !== undefined ? eq(t.outboundVoiceProfileId, filter.outboundVoiceProfileId) : undefined,
    );
    const col = sort.by === 'connection_name' ? t.connectionName : sort.by === 'active' ? t.active : t.createdAt;
    return paged(this.db, t, where, [ordered(col, sort.descending), ordered(t.createdAt, sort.descending)], page);
  }
  countConnections(): number {
    return this.s.countConnections.get({ account: this.account })?.n ?? 0;
  }
  saveConnection(row: Omit<CredentialConnection, 'account'>): void {
    const full = { ...row, account: this.account };
    this.db.insert(credentialConnections).values(full).onConflictDoUpdate({ target: credentialConnections.id, set: full }).run();
  }
  allConnections(): CredentialConnection[] {
    return this.db.select().from(credentialConnections).where(eq(credentialConnections.account, this.account))
      .orderBy(asc(credentialConnections.createdAt), asc(credentialConnections.id)).all();
  }
  deleteConnection(id: string): void {
    this.db.delete(credentialConnections).where(and(eq(credentialConnections.account, this.account), eq(credentialConnections.id, id))).run();
  }

  credential(id: string): TelephonyCredential | undefined {
    return this.s.credential.get({ account: this.account, id });
  }
  listCredentials(filter: CredentialFilter, page: Page): Paged<TelephonyCredential> {
    const t = telephonyCredentials;
    const where = and(
      eq(t.account, this.account),
      filter.name !== undefined ? eq(t.name, filter.name) : undefined,
      filter.resourceId !== undefined ? eq(sql`'connection:' || ${t.connectionId}`, filter.resourceId) : undefined,
      filter.sipUsername !== undefined ? eq(t.sipUsername, filter.sipUsername) : undefined,
      filter.tag !== undefined ? eq(t.tag, filter.tag) : undefined,
      filter.status === 'expired' ? lte(t.expiresAt, filter.now) : undefined,
      filter.status === 'active' ? or(isNull(t.expiresAt), gt(t.expiresAt, filter.now)) : undefined,
    );
    return paged(this.db, t, where, [desc(t.createdAt)], page);
  }
  countCredentials(): number {
    return this.s.countCredentials.get({ account: this.account })?.n ?? 0;
  }
  saveCredential(row: Omit<TelephonyCredential, 'account'>): void {
    const full = { ...row, account: this.account };
    this.db.insert(telephonyCredentials).values(full).onConflictDoUpdate({ target: telephonyCredentials.id, set: full }).run();
  }
  deleteCredential(id: string): void {
    this.db.delete(telephonyCredentials).where(and(eq(telephonyCredentials.account, this.account), eq(telephonyCredentials.id, id))).run();
  }
}

/** The account's credentials store (statements prepared on first use of the database). */
export function credentialsStore(db: Db, account: string): CredentialsStore {
  let s = prepared.get(db);
  if (!s) prepared.set(db, s = statements(db));
  return new BoundCredentials(db, s, account);
}
