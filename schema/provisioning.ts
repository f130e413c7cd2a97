import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * What an account provisions through Telnyx's own API: Call Control applications (each one a
 * connection), the phone numbers it owns and the orders that bought them. They route calls: an
 * inbound call to an owned number goes to its connection's application and that application's
 * webhook URL (domain/connections.ts, domain/webhooks.ts).
 */

/** `CallControlApplicationInbound` / `…Outbound` as the app sent them (read back unchanged). */
export interface ApplicationInbound {
  channel_limit?: number | null;
  shaken_stir_enabled?: boolean;
  sip_subdomain?: string | null;
  sip_subdomain_receive_settings?: 'only_my_connections' | 'from_anyone';
}
export interface ApplicationOutbound {
  channel_limit?: number | null;
  outbound_voice_profile_id?: string;
}

/** A Call Control application (`/v2/call_control_applications`); its id is a connection_id. */
export const callControlApplications = sqliteTable('call_control_applications', {
  account: text('account').notNull(),
  id: text('id').notNull(),
  applicationName: text('application_name').notNull(),
  /** Null only for a connection set through `/_mock/connections` without a URL (then the server's URL applies). */
  webhookEventUrl: text('webhook_event_url'),
  webhookEventFailoverUrl: text('webhook_event_failover_url'),
  webhookApiVersion: text('webhook_api_version').$type<'1' | '2'>().notNull(),
  webhookTimeoutSecs: integer('webhook_timeout_secs'),
  active: integer('active', { mode: 'boolean' }).notNull(),
  anchorsiteOverride: text('anchorsite_override').notNull(),
  dtmfType: text('dtmf_type').notNull(),
  firstCommandTimeout: integer('first_command_timeout', { mode: 'boolean' }).notNull(),
  firstCommandTimeoutSecs: integer('first_command_timeout_secs').notNull(),
  callCostInWebhooks: integer('call_cost_in_webhooks', { mode: 'boolean' }).notNull(),
  redactDtmfDebugLogging: integer('redact_dtmf_debug_logging', { mode: 'boolean' }).notNull(),
  inbound: text('inbound', { mode: 'json' }).$type<ApplicationInbound>().notNull(),
  outbound: text('outbound', { mode: 'json' }).$type<ApplicationOutbound>().notNull(),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.account, t.id] }), index('call_control_applications_created').on(t.account, t.createdAt)]);

/** `UpdatePhoneNumberVoiceSettingsRequest` fields as the app set them (read back unchanged). */
export type VoiceSettings = Record<string, unknown>;

/** A phone number the account owns (`/v2/phone_numbers`): given by a test, or bought with a number order. */
export const phoneNumbers = sqliteTable('phone_numbers', {
  account: text('account').notNull(),
  id: text('id').notNull(),
  phoneNumber: text('phone_number').notNull(),
  /** The connection (application) its inbound calls are routed to; null: not assigned. */
  connectionId: text('connection_id'),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  customerReference: text('customer_reference'),
  billingGroupId: text('billing_group_id'),
  externalPin: text('external_pin'),
  hdVoiceEnabled: integer('hd_voice_enabled', { mode: 'boolean' }).notNull(),
  voice: text('voice', { mode: 'json' }).$type<VoiceSettings>().notNull(),
  /** number_order when bought through /v2/number_orders; null when given by the control API. */
  sourceType: text('source_type').$type<'number_order'>(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.account, t.id] }),
  uniqueIndex('phone_numbers_number').on(t.account, t.phoneNumber),
]);

/** A number order (`/v2/number_orders`): completes at once, its numbers owned from then on. */
export const numberOrders = sqliteTable('number_orders', {
  account: text('account').notNull(),
  id: text('id').notNull(),
  /** The numbers bought: [phone number id, E.164]. */
  phoneNumbers: text('phone_numbers', { mode: 'json' }).$type<{ id: string; phoneNumber: string }[]>().notNull(),
  connectionId: text('connection_id'),
  customerReference: text('customer_reference'),
  billingGroupId: text('billing_group_id'),
  messagingProfileId: text('messaging_profile_id'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.account, t.id] }), index('number_orders_created').on(t.account, t.createdAt)]);

/** Per-account settings a test chooses (control API, scenario): absent means the server's defaults. */
export const accountSettings = sqliteTable('account_settings', {
  account: text('account').primaryKey(),
  /** Unknown connection_ids are refused (422 10015) rather than treated as lenient connections; null: the server's setting. */
  strictConnections: integer('strict_connections', { mode: 'boolean' }),
});
