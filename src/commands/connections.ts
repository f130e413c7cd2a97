/**
 * Connections (/v2/connections): every Call Control application is one (credential connections
 * join them at merge, in the store's listConnections). Also the control API's view of a
 * connection's webhook URLs (/_mock/connections/{id}, an application by another door) and the
 * account's strictness about unknown connection_ids (/_mock/settings).
 */
import type { CallLeg, Connection, ConnectionView, Page, Paged } from '../model/entities.js';
import { errors } from '../model/errors.js';
import * as provisioning from '../domain/provisioning.js';
import type { Account } from './account.js';
import { body, bool, custom, string } from './schema.js';
import { webhookUrl } from './fields.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

export const SaveConnection = body({ webhook_url: webhookUrl, webhook_failover_url: webhookUrl });

/** `strict_connections`: true, false, or null for the server's setting. */
export const AccountSettings = body({
  strict_connections: custom((v, name, b): boolean | null | undefined => (v === null ? null : bool()(b, name))),
});

export const ConnectionPath = body({ connection_id: string({ required: true, max: 255 }) });

export interface ConnectionQuery {
  'filter[connection_name][contains]'?: string;
  'filter[outbound_voice_profile_id]'?: string;
}

export function listConnections(a: Account, q: ConnectionQuery, page: Page): Paged<ConnectionView> {
  const filter = {
    nameContains: q['filter[connection_name][contains]'] || undefined,
    outboundVoiceProfileId: q['filter[outbound_voice_profile_id]'] || undefined,
  };
  return a.read((ctx) => ctx.store.listConnections(filter, page));
}

export function getConnectionResource(a: Account, id: string): ConnectionView {
  const conn = a.read((ctx) => ctx.store.connectionView(id));
  if (!conn) throw errors.resourceNotFound();
  return conn;
}

/**
 * GET /connections/{connection_id}/active_calls: the connection's calls not hung up. A lenient
 * connection (an id no application has) lists its calls too; strict, it is not found.
 */
export function activeCalls(a: Account, connectionId: string, page: Page): Paged<CallLeg> & { now: number } {
  return a.read((ctx) => {
    if (provisioning.strictConnections(ctx) && !ctx.store.connection(connectionId)) throw errors.resourceNotFound();
    return { ...ctx.store.activeCallsOfConnection(connectionId, page), now: ctx.now };
  });
}

// the control API's view: a connection's webhook URLs are its application's

export function getConnection(a: Account, connectionId: string): Connection {
  const conn = a.read((ctx) => ctx.store.connection(connectionId));
  if (!conn) throw errors.notFound('Connection');
  return conn;
}

/**
 * Sets the webhook URLs of the application `connection_id` names (webhook_event_url and its
 * failover), making one named after it when there is none: the same application the app reads
 * at /v2/call_control_applications/{id}.
 */
export function saveConnection(a: Account, connectionId: unknown, input: unknown): Connection {
  const id = ConnectionPath.parse({ connection_id: connectionId }).connection_id;
  const b = SaveConnection.parse(input);
  const urls = { webhookEventUrl: b.webhook_url ?? null, webhookEventFailoverUrl: b.webhook_failover_url ?? null };
  return a.write((ctx) => {
    const app = ctx.store.application(id);
    if (app) provisioning.updateApplication(ctx, app, urls);
    // webhook_api_version 2: the emulator sends v2 webhooks, whatever an application says.
    else provisioning.createApplication(ctx, { applicationName: id, webhookApiVersion: '2', ...urls }, id);
    return ctx.store.connection(id)!;
  });
}

export function deleteConnection(a: Account, connectionId: string): void {
  a.write((ctx) => {
    const app = ctx.store.application(connectionId);
    if (!app) throw errors.notFound('Connection');
    provisioning.deleteApplication(ctx, app);
  });
}

// the account's strictness

export interface SettingsView { strictConnections: boolean; accountStrictConnections: boolean | null }

export function getSettings(a: Account): SettingsView {
  return a.read((ctx) => ({ strictConnections: provisioning.strictConnections(ctx), accountStrictConnections: ctx.store.strictConnections() ?? null }));
}

/** `{"strict_connections": true}`: this account refuses unknown connection_ids; null: the server decides. */
export function setSettings(a: Account, input: unknown): SettingsView {
  const b = AccountSettings.parse(input);
  if (b.strict_connections !== undefined) a.write((ctx) => ctx.store.setStrictConnections(b.strict_connections ?? null));
  return getSettings(a);
}
