import { Hono, type Context } from 'hono';
import type { Env } from '../http/auth.js';
import { param, readBody } from '../http/body.js';
import { pageMeta, readPage } from '../http/paging.js';
import * as cmd from '../commands/credentials.js';
import {
  credentialConnectionJson, outboundVoiceProfileJson, registrationStatusJson, telephonyCredentialJson,
} from '../serialize/credentials.js';

const profileData = (v: cmd.ProfileView) => outboundVoiceProfileJson(v.profile, v.connectionsCount);
const q = (c: Context, name: string) => c.req.query(name);

/** /v2/outbound_voice_profiles: decode, call one command, encode. */
export function outboundVoiceProfileRoutes() {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    // outbound-voice-profiles_PageConsolidated: page[size] "default 20".
    const page = readPage(c, 20);
    const { rows, total } = cmd.listOutboundVoiceProfiles(c.get('account'),
      { nameContains: q(c, 'filter[name][contains]'), sort: q(c, 'sort') }, page);
    return c.json({ data: rows.map(profileData), meta: pageMeta(page, total) });
  });
  // CreateVoiceProfile answers 200 (the spec gives no 201 for it).
  app.post('/', async (c) => c.json({ data: profileData(cmd.createOutboundVoiceProfile(c.get('account'), await readBody(c))) }));
  app.get('/:id', (c) => c.json({ data: profileData(cmd.getOutboundVoiceProfile(c.get('account'), param(c, 'id'))) }));
  app.patch('/:id', async (c) =>
    c.json({ data: profileData(cmd.updateOutboundVoiceProfile(c.get('account'), param(c, 'id'), await readBody(c))) }));
  app.delete('/:id', (c) => c.json({ data: profileData(cmd.deleteOutboundVoiceProfile(c.get('account'), param(c, 'id'))) }));
  return app;
}

/** /v2/credential_connections. */
export function credentialConnectionRoutes() {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    // connections_PageConsolidated: page[size] "default 250".
    const page = readPage(c, 250);
    const { rows, total } = cmd.listCredentialConnections(c.get('account'), {
      nameContains: q(c, 'filter[connection_name][contains]'), fqdn: q(c, 'filter[fqdn]'),
      outboundVoiceProfileId: q(c, 'filter[outbound_voice_profile_id]') ?? q(c, 'filter[outbound.outbound_voice_profile_id]'),
      sort: q(c, 'sort'),
    }, page);
    return c.json({ data: rows.map(credentialConnectionJson), meta: pageMeta(page, total) });
  });
  app.post('/', async (c) =>
    c.json({ data: credentialConnectionJson(cmd.createCredentialConnection(c.get('account'), await readBody(c))) }, 201));
  app.get('/:id', (c) => c.json({ data: credentialConnectionJson(cmd.getCredentialConnection(c.get('account'), param(c, 'id'))) }));
  app.patch('/:id', async (c) =>
    c.json({ data: credentialConnectionJson(cmd.updateCredentialConnection(c.get('account'), param(c, 'id'), await readBody(c))) }));
  app.delete('/:id', (c) => c.json({ data: credentialConnectionJson(cmd.deleteCredentialConnection(c.get('account'), param(c, 'id'))) }));
  app.post('/:id/actions/check_registration_status', (c) =>
    c.json({ data: registrationStatusJson(cmd.checkRegistrationStatus(c.get('account'), param(c, 'id'))) }));
  return app;
}

/** user_id is derived from the API key (stable for a key on any server), never shows it; a request always has one. */
const userKey = (c: Context<Env>) => c.get('account').key ?? c.get('account').id;

/** /v2/telephony_credentials, and the access token a WebRTC client logs in with. */
export function telephonyCredentialRoutes() {
  const app = new Hono<Env>();
  const data = (c: Context<Env>, v: cmd.CredentialView) => telephonyCredentialJson(v.credential, userKey(c), v.now);
  app.get('/', (c) => {
    // telephony-credentials_PageConsolidated: page[size] "default 50".
    const page = readPage(c, 50);
    const { rows, total } = cmd.listTelephonyCredentials(c.get('account'), {
      name: q(c, 'filter[name]'), resourceId: q(c, 'filter[resource_id]'), sipUsername: q(c, 'filter[sip_username]'),
      status: q(c, 'filter[status]'), tag: q(c, 'filter[tag]'),
    }, page);
    return c.json({ data: rows.map((v) => data(c, v)), meta: pageMeta(page, total) });
  });
  app.post('/', async (c) => c.json({ data: data(c, cmd.createTelephonyCredential(c.get('account'), await readBody(c))) }, 201));
  app.get('/:id', (c) => c.json({ data: data(c, cmd.getTelephonyCredential(c.get('account'), param(c, 'id'))) }));
  app.patch('/:id', async (c) =>
    c.json({ data: data(c, cmd.updateTelephonyCredential(c.get('account'), param(c, 'id'), await readBody(c))) }));
  app.delete('/:id', (c) => c.json({ data: data(c, cmd.deleteTelephonyCredential(c.get('account'), param(c, 'id'))) }));
  // CreateTelephonyCredentialToken: 201, `text/plain`, the JWT as the whole body.
  app.post('/:id/token', (c) => c.text(cmd.createTelephonyCredentialToken(c.get('account'), param(c, 'id')), 201));
  return app;
}
