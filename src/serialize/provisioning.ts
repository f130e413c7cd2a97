import { iso } from '../clock.js';
import type { Application, CallLeg, ConnectionView, NumberOrder, PhoneNumber } from '../model/entities.js';

/**
 * Provisioning's wire shapes, field names as the spec's schemas and the SDK's types spell them:
 * `CallControlApplication`, `PhoneNumberDetailed`, `PhoneNumberWithVoiceSettings`,
 * `NumberOrderWithPhoneNumbers`, `Connection` and `ActiveCall`.
 */

/** The fields that have a value (a null one is left out where the schema's type has no null). */
const withoutNulls = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as T;

export function applicationJson(app: Application) {
  return {
    record_type: 'call_control_application' as const,
    id: app.id,
    application_name: app.applicationName,
    active: app.active,
    anchorsite_override: app.anchorsiteOverride,
    call_cost_in_webhooks: app.callCostInWebhooks,
    dtmf_type: app.dtmfType,
    first_command_timeout: app.firstCommandTimeout,
    first_command_timeout_secs: app.firstCommandTimeoutSecs,
    // channel_limit and sip_subdomain are "default: null" yet typed integer / string: none is left out.
    inbound: withoutNulls(app.inbound),
    outbound: withoutNulls(app.outbound),
    redact_dtmf_debug_logging: app.redactDtmfDebugLogging,
    tags: app.tags,
    webhook_api_version: app.webhookApiVersion,
    // "webhook_event_failover_url … default: ''"; a connection set without a URL reads as ''.
    webhook_event_url: app.webhookEventUrl ?? '',
    webhook_event_failover_url: app.webhookEventFailoverUrl ?? '',
    webhook_timeout_secs: app.webhookTimeoutSecs,
    created_at: iso(app.createdAt),
    updated_at: iso(app.updatedAt),
  };
}

/** The country of a number by its calling code (the few the emulator's users dial most; else US). */
const COUNTRIES: [string, string][] = [['+1', 'US'], ['+44', 'GB'], ['+49', 'DE'], ['+33', 'FR'], ['+61', 'AU'], ['+353', 'IE'], ['+31', 'NL']];
const countryOf = (e164: string) => COUNTRIES.filter(([code]) => e164.startsWith(code)).sort((a, b) => b[0].length - a[0].length)[0]?.[1] ?? 'US';
/** North American toll-free prefixes: 800, 833, 844, 855, 866, 877, 888. */
const numberType = (e164: string) => (/^\+18(00|33|44|55|66|77|88)/.test(e164) ? 'toll_free' : 'local');

/**
 * `PhoneNumberDeletedDetailed`: the number given back, as it was. Its schema types no field
 * nullable, so those without a value are left out.
 */
export function deletedPhoneNumberJson(n: PhoneNumber, connectionName: string | null) {
  return withoutNulls({ ...phoneNumberJson(n, connectionName), status: 'deleted' as const });
}

/** `PhoneNumberDetailed`; `connectionName`: the application it is assigned to, if any. */
export function phoneNumberJson(n: PhoneNumber, connectionName: string | null) {
  return {
    record_type: 'phone_number' as const,
    id: n.id,
    phone_number: n.phoneNumber,
    status: 'active' as 'active' | 'deleted',
    tags: n.tags,
    external_pin: n.externalPin,
    connection_id: n.connectionId,
    connection_name: n.connectionId ? connectionName : null,
    customer_reference: n.customerReference,
    billing_group_id: n.billingGroupId,
    messaging_profile_id: null,
    messaging_profile_name: null,
    emergency_enabled: false,
    emergency_address_id: null,
    emergency_status: 'disabled' as const,
    call_forwarding_enabled: true,
    call_recording_enabled: false,
    caller_id_name_enabled: false,
    cnam_listing_enabled: false,
    t38_fax_gateway_enabled: false,
    hd_voice_enabled: n.hdVoiceEnabled,
    inbound_call_screening: 'disabled' as const,
    deletion_lock_enabled: false,
    phone_number_type: numberType(n.phoneNumber),
    country_iso_alpha2: countryOf(n.phoneNumber),
    source_type: n.sourceType,
    purchased_at: iso(n.createdAt),
    activated_at: iso(n.createdAt),
    created_at: iso(n.createdAt),
    updated_at: iso(n.updatedAt),
  };
}

/** `PhoneNumberWithVoiceSettings`: the spec's defaults, overlaid with what the app set. */
export function voiceSettingsJson(n: PhoneNumber) {
  const v = n.voice as Record<string, Record<string, unknown> | unknown>;
  const obj = (key: string, defaults: Record<string, unknown>) => ({ ...defaults, ...(v[key] as Record<string, unknown> | undefined) });
  return {
    record_type: 'voice_settings' as const,
    id: n.id,
    phone_number: n.phoneNumber,
    connection_id: n.connectionId ?? '',
    customer_reference: n.customerReference ?? '',
    tech_prefix_enabled: (v.tech_prefix_enabled as boolean | undefined) ?? false,
    translated_number: (v.translated_number as string | undefined) ?? '',
    usage_payment_method: (v.usage_payment_method as string | undefined) ?? 'pay-per-minute',
    inbound_call_screening: (v.inbound_call_screening as string | undefined) ?? 'disabled',
    call_forwarding: obj('call_forwarding', { call_forwarding_enabled: true }),
    call_recording: obj('call_recording', {
      inbound_call_recording_enabled: false, inbound_call_recording_channels: 'single', inbound_call_recording_format: 'wav',
    }),
    cnam_listing: obj('cnam_listing', { cnam_listing_enabled: false }),
    media_features: obj('media_features', { accept_any_rtp_packets_enabled: false, rtp_auto_adjust_enabled: true, t38_fax_gateway_enabled: false }),
    emergency: { emergency_enabled: false, emergency_status: 'disabled' },
  };
}

/** `NumberOrderWithPhoneNumbers`: every order completed at once. */
export function numberOrderJson(o: NumberOrder) {
  return {
    record_type: 'number_order' as const,
    id: o.id,
    status: 'success' as const,
    phone_numbers_count: o.phoneNumbers.length,
    phone_numbers: o.phoneNumbers.map((n) => ({
      record_type: 'number_order_phone_number',
      id: n.id,
      phone_number: n.phoneNumber,
      status: 'success' as const,
      country_code: countryOf(n.phoneNumber),
      phone_number_type: numberType(n.phoneNumber),
      requirements_met: true,
      requirements_status: 'approved' as const,
      regulatory_requirements: [],
    })),
    connection_id: o.connectionId ?? undefined,
    customer_reference: o.customerReference ?? undefined,
    billing_group_id: o.billingGroupId ?? undefined,
    messaging_profile_id: o.messagingProfileId ?? undefined,
    requirements_met: true,
    sub_number_orders_ids: [],
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
  };
}

/** `Connection` (GET /connections): an application seen as a connection. */
export function connectionResourceJson(c: ConnectionView) {
  return {
    record_type: c.recordType,
    id: c.connectionId,
    connection_name: c.name,
    active: c.active,
    anchorsite_override: c.anchorsiteOverride,
    outbound_voice_profile_id: c.outboundVoiceProfileId ?? undefined,
    tags: c.tags,
    webhook_api_version: c.webhookApiVersion,
    webhook_event_url: c.webhookUrl,
    webhook_event_failover_url: c.webhookFailoverUrl ?? '',
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

/** `ActiveCall`: a live call on a connection. */
export function activeCallJson(call: CallLeg, now: number) {
  return {
    record_type: 'call' as const,
    call_control_id: call.callControlId,
    call_leg_id: call.callLegId,
    call_session_id: call.callSessionId,
    client_state: call.clientState ?? '',
    call_duration: Math.max(0, Math.floor((now - (call.answeredAt ?? call.startTime)) / 1000)),
  };
}
