/** Call Control applications (/v2/call_control_applications); rules in domain/provisioning.ts. */
import type { Application, Page, Paged } from '../model/entities.js';
import { errors, TelnyxError } from '../model/errors.js';
import * as provisioning from '../domain/provisioning.js';
import type { ApplicationFilter } from '../domain/store.js';
import type { Account } from './account.js';
import { body, bool, custom, int, oneOf, required, string, strings, type Json } from './schema.js';
import { webhookUrl } from './fields.js';
import type { ApplicationInbound, ApplicationOutbound } from '../../schema/provisioning.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

/** CallControlApplication.anchorsite_override's values. */
export const ANCHORSITES = ['Latency', 'Chicago, IL', 'Ashburn, VA', 'San Jose, CA', 'London, UK', 'Chennai, IN',
  'Amsterdam, Netherlands', 'Toronto, Canada', 'Sydney, Australia'] as const;
export const DTMF_TYPES = ['RFC 2833', 'Inband', 'SIP INFO'] as const;

/** A URL that may be cleared: null or '' (the spec's default for the failover URL) is "none". */
const clearableUrl = custom((v, name, b): string | null | undefined => {
  if (v === null || v === '') return null;
  return webhookUrl(b, name);
});

/** `webhook_timeout_secs`: "minimum 0, maximum 30", null for none. */
const timeoutSecs = custom((v, name, b): number | null | undefined => (v === null ? null : int(0, 30)(b, name)));

/** An object of known fields (inbound / outbound), each read by its own reader; others are dropped. */
function subObject<T>(fields: Record<string, (b: Json, name: string) => unknown>) {
  return custom((v, name): T | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalid(name, `The '${name}' parameter must be an object.`);
    const out: Record<string, unknown> = {};
    for (const [key, read] of Object.entries(fields)) {
      const raw = (v as Json)[key];
      if (raw === null) out[key] = null;
      else {
        try {
          const value = read(v as Json, key);
          if (value !== undefined) out[key] = value;
        } catch (e) {
          // The pointer names the nested field: /inbound/channel_limit.
          if (e instanceof TelnyxError) throw new TelnyxError(e.status, e.code, e.title, e.detail, `/${name}/${key}`);
          throw e;
        }
      }
    }
    return out as T;
  });
}

const inbound = subObject<ApplicationInbound>({
  channel_limit: int(1, 100_000),
  shaken_stir_enabled: bool(),
  sip_subdomain: string({ max: 255 }),
  sip_subdomain_receive_settings: oneOf(['only_my_connections', 'from_anyone'] as const),
});
const outbound = subObject<ApplicationOutbound>({
  channel_limit: int(1, 100_000),
  outbound_voice_profile_id: string({ max: 64 }),
});

const fields = {
  application_name: string({ max: 255 }),
  webhook_event_url: webhookUrl,
  webhook_event_failover_url: clearableUrl,
  webhook_api_version: oneOf(['1', '2'] as const),
  webhook_timeout_secs: timeoutSecs,
  active: bool(),
  anchorsite_override: oneOf(ANCHORSITES),
  dtmf_type: oneOf(DTMF_TYPES),
  first_command_timeout: bool(),
  first_command_timeout_secs: int(1, 3600),
  call_cost_in_webhooks: bool(),
  redact_dtmf_debug_logging: bool(),
  inbound,
  outbound,
  tags: strings({ max: 100 }),
};

/**
 * CreateCallControlApplicationRequest and UpdateCallControlApplicationRequest alike:
 * "required": ["application_name", "webhook_event_url"] (the SDK's update params require both too).
 * Of the others, those given replace theirs.
 */
export const CreateApplication = body({
  ...fields,
  application_name: required(fields.application_name),
  webhook_event_url: required(fields.webhook_event_url),
});
export const UpdateApplication = CreateApplication;

type Parsed = ReturnType<typeof UpdateApplication.parse>;

const applicationFields = (b: Parsed): provisioning.ApplicationFields => ({
  applicationName: b.application_name,
  webhookEventUrl: b.webhook_event_url,
  webhookEventFailoverUrl: b.webhook_event_failover_url,
  webhookApiVersion: b.webhook_api_version,
  webhookTimeoutSecs: b.webhook_timeout_secs,
  active: b.active,
  anchorsiteOverride: b.anchorsite_override,
  dtmfType: b.dtmf_type,
  firstCommandTimeout: b.first_command_timeout,
  firstCommandTimeoutSecs: b.first_command_timeout_secs,
  callCostInWebhooks: b.call_cost_in_webhooks,
  redactDtmfDebugLogging: b.redact_dtmf_debug_logging,
  inbound: b.inbound,
  outbound: b.outbound,
  tags: b.tags,
});

export interface ApplicationQuery {
  'filter[application_name][contains]'?: string;
  'filter[outbound.outbound_voice_profile_id]'?: string;
  sort?: string;
}

const SORTS = ['created_at', 'connection_name', 'active', '-created_at', '-connection_name', '-active'] as const;

/** The list's filters and sort as the spec's ListCallControlApplications names them. */
export function applicationFilter(q: ApplicationQuery): ApplicationFilter {
  const sort = q.sort;
  if (sort !== undefined && !(SORTS as readonly string[]).includes(sort)) throw errors.paramBadEnum('sort', SORTS);
  const name = q['filter[application_name][contains]'];
  return {
    nameContains: name || undefined,
    outboundVoiceProfileId: q['filter[outbound.outbound_voice_profile_id]'] || undefined,
    // "If not given, results are sorted by created_at in descending order"; given, "ascending" unless "-".
    sort: sort === undefined ? undefined : {
      column: ({ created_at: 'created_at', connection_name: 'application_name', active: 'active' } as const)[sort.replace(/^-/, '') as 'active'],
      desc: sort.startsWith('-'),
    },
  };
}

export function listApplications(a: Account, q: ApplicationQuery, page: Page): Paged<Application> {
  const filter = applicationFilter(q);
  return a.read((ctx) => ctx.store.listApplications(filter, page));
}

export function createApplication(a: Account, input: unknown): Application {
  const b = CreateApplication.parse(input);
  return a.write((ctx) => provisioning.createApplication(ctx, { ...applicationFields(b), applicationName: b.application_name }));
}

export function getApplication(a: Account, id: string): Application {
  return a.read((ctx) => provisioning.requireApplication(ctx, id));
}

export function updateApplication(a: Account, id: string, input: unknown): Application {
  const b = UpdateApplication.parse(input);
  return a.write((ctx) => provisioning.updateApplication(ctx, provisioning.requireApplication(ctx, id), applicationFields(b)));
}

/** DELETE answers the application as it was (the spec's 200 carries it). */
export function deleteApplication(a: Account, id: string): Application {
  return a.write((ctx) => {
    const app = provisioning.requireApplication(ctx, id);
    provisioning.deleteApplication(ctx, app);
    return app;
  });
}
