import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The provisioning resources a voice app reads back and nothing here acts on (issue 16): outbound
 * voice profiles, credential connections and telephony credentials. The columns are what a list
 * filters or sorts by and what a rule checks; every other Telnyx field is kept as sent (with the
 * spec's defaults filled in) in `settings`, a JSON object read back as it was written.
 */
export const outboundVoiceProfiles = sqliteTable('outbound_voice_profiles', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  name: text('name').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('outbound_voice_profiles_account').on(t.account, t.createdAt)]);

export const credentialConnections = sqliteTable('credential_connections', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  connectionName: text('connection_name').notNull(),
  userName: text('user_name').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  /** outbound.outbound_voice_profile_id, a list filter and the profile's connections_count. */
  outboundVoiceProfileId: text('outbound_voice_profile_id'),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [
  index('credential_connections_account').on(t.account, t.createdAt),
  uniqueIndex('credential_connections_user_name').on(t.account, t.userName),
  index('credential_connections_profile').on(t.account, t.outboundVoiceProfileId),
]);

/** An on-demand credential of a credential connection (WebRTC / SIP logins). */
export const telephonyCredentials = sqliteTable('telephony_credentials', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  connectionId: text('connection_id').notNull(),
  name: text('name'),
  tag: text('tag'),
  sipUsername: text('sip_username').notNull(),
  sipPassword: text('sip_password').notNull(),
  /** ms since the epoch; null: never expires. */
  expiresAt: integer('expires_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('telephony_credentials_account').on(t.account, t.createdAt)]);
