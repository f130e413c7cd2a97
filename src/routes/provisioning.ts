import { Hono, type Context } from 'hono';
import type { Env } from '../http/auth.js';
import { param, readBody } from '../http/body.js';
import { pageMeta, readPage } from '../http/paging.js';
import * as applications from '../commands/applications.js';
import * as phoneNumbers from '../commands/phone-numbers.js';
import * as connections from '../commands/connections.js';
import {
  activeCallJson, applicationJson, connectionResourceJson, deletedPhoneNumberJson, numberOrderJson, phoneNumberJson, voiceSettingsJson,
} from '../serialize/provisioning.js';

/** The query parameters named, those given (blank or absent are left out). */
function query<K extends string>(c: Context, names: readonly K[]): Partial<Record<K, string>> {
  return Object.fromEntries(names.map((n) => [n, c.req.query(n)]).filter(([, v]) => v !== undefined)) as Partial<Record<K, string>>;
}

const owned = (n: phoneNumbers.OwnedNumber) => phoneNumberJson(n.number, n.connectionName);

/** /v2/call_control_applications: decode, call one command, encode. */
export function applicationRoutes() {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    const page = readPage(c);
    const { rows, total } = applications.listApplications(c.get('account'),
      query(c, ['filter[application_name][contains]', 'filter[outbound.outbound_voice_profile_id]', 'sort'] as const), page);
    return c.json({ data: rows.map(applicationJson), meta: pageMeta(page, total) });
  });
  app.post('/', async (c) => c.json({ data: applicationJson(applications.createApplication(c.get('account'), await readBody(c))) }, 201));
  app.get('/:id', (c) => c.json({ data: applicationJson(applications.getApplication(c.get('account'), param(c, 'id'))) }));
  app.patch('/:id', async (c) =>
    c.json({ data: applicationJson(applications.updateApplication(c.get('account'), param(c, 'id'), await readBody(c))) }));
  app.delete('/:id', (c) => c.json({ data: applicationJson(applications.deleteApplication(c.get('account'), param(c, 'id'))) }));
  return app;
}

/**
 * The literal words Telnyx's spec gives paths of their own beside /phone_numbers/{id}
 * (/phone_numbers/jobs, /slim, …): other operations — not emulated, and answered so — rather than
 * a number called "jobs". Checked in a middleware, not as a pattern in the route: a pattern with a
 * lookahead makes Hono give up its RegExpRouter for the slower TrieRouter on every route.
 */
const SPEC_WORDS = /^(?:actions|csv_downloads|jobs|messaging|slim|voice)$/;
const ID = ':id';

/** /v2/phone_numbers and their voice settings. */
export function phoneNumberRoutes() {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    const page = readPage(c);
    const { rows, total } = phoneNumbers.listPhoneNumbers(c.get('account'), query(c, ['filter[phone_number]', 'filter[connection_id]',
      'filter[tag]', 'filter[status]', 'filter[customer_reference]'] as const), page);
    return c.json({ data: rows.map(owned), meta: pageMeta(page, total) });
  });
  // The numbers with their voice settings. Served by the /:id route (GET /phone_numbers/voice):
  // a static route beside /:id on one method makes Hono give up its RegExpRouter on every route.
  const voiceList = (c: Context<Env>) => {
    const page = readPage(c);
    const { rows, total } = phoneNumbers.listPhoneNumbers(c.get('account'),
      query(c, ['filter[phone_number]', 'filter[customer_reference]'] as const), page);
    return c.json({ data: rows.map((n) => voiceSettingsJson(n.number)), meta: pageMeta(page, total) });
  };
  // A spec word where an id goes is another operation: answered as not emulated, not as a number.
  const routed = (handler: (c: Context<Env>) => Response | Promise<Response>) =>
    (c: Context<Env>) => (SPEC_WORDS.test(c.req.param('id') ?? '') ? c.notFound() : handler(c));
  const numberOf = (c: Context<Env>) => c.json({ data: owned(phoneNumbers.getPhoneNumber(c.get('account'), param(c, 'id'))) });
  app.get(`/${ID}`, (c) => (c.req.param('id') === 'voice' ? voiceList(c) : routed(numberOf)(c)));
  app.patch(`/${ID}`, routed(async (c) =>
    c.json({ data: owned(phoneNumbers.updatePhoneNumber(c.get('account'), param(c, 'id'), await readBody(c))) })));
  app.delete(`/${ID}`, routed((c) => {
    const n = phoneNumbers.releasePhoneNumber(c.get('account'), param(c, 'id'));
    return c.json({ data: deletedPhoneNumberJson(n.number, n.connectionName) });
  }));
  app.get(`/${ID}/voice`, routed((c) => c.json({ data: voiceSettingsJson(phoneNumbers.getVoiceSettings(c.get('account'), param(c, 'id'))) })));
  app.patch(`/${ID}/voice`, routed(async (c) =>
    c.json({ data: voiceSettingsJson(phoneNumbers.updateVoiceSettings(c.get('account'), param(c, 'id'), await readBody(c))) })));
  return app;
}

/** /v2/number_orders: every order completes at once. */
export function numberOrderRoutes() {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    const page = readPage(c);
    const { rows, total } = phoneNumbers.listNumberOrders(c.get('account'), page);
    return c.json({ data: rows.map(numberOrderJson), meta: pageMeta(page, total) });
  });
  app.post('/', async (c) => c.json({ data: numberOrderJson(phoneNumbers.createNumberOrder(c.get('account'), await readBody(c))) }));
  app.patch('/:id', async (c) =>
    c.json({ data: numberOrderJson(phoneNumbers.updateNumberOrder(c.get('account'), param(c, 'id'), await readBody(c))) }));
  app.get('/:id', (c) => c.json({ data: numberOrderJson(phoneNumbers.getNumberOrder(c.get('account'), param(c, 'id'))) }));
  return app;
}

/** /v2/connections: the account's applications seen as connections, and each one's live calls. */
export function connectionRoutes() {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    const page = readPage(c);
    const { rows, total } = connections.listConnections(c.get('account'),
      query(c, ['filter[connection_name][contains]', 'filter[outbound_voice_profile_id]'] as const), page);
    return c.json({ data: rows.map(connectionResourceJson), meta: pageMeta(page, total) });
  });
  app.get('/:id', (c) => c.json({ data: connectionResourceJson(connections.getConnectionResource(c.get('account'), param(c, 'id'))) }));
  app.get('/:id/active_calls', (c) => {
    const page = readPage(c);
    const { rows, total, now } = connections.activeCalls(c.get('account'), param(c, 'id'), page);
    // The spec's CursorPaginationMeta counts `total_items`; the SDK pages by page_number / total_pages.
    return c.json({ data: rows.map((call) => activeCallJson(call, now)), meta: { ...pageMeta(page, total), total_items: total } });
  });
  return app;
}
