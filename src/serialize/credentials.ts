/**
 * Outbound voice profiles, credential connections and telephony credentials as Telnyx answers
 * them: OutboundVoiceProfile, CredentialConnection and TelephonyCredential of the spec, field names
 * as the SDK's type files spell them.
 */
import { iso } from '../clock.js';
import { isExpired, userIdOf, type CredentialConnection, type OutboundVoiceProfile, type TelephonyCredential } from '../domain/credentials.js';

export function outboundVoiceProfileJson(p: OutboundVoiceProfile, connectionsCount: number) {
  return {
    record_type: 'outbound_voice_profile' as const,
    id: p.id,
    name: p.name,
    enabled: p.enabled,
    ...p.settings,
    connections_count: connectionsCount,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

export function credentialConnectionJson(c: CredentialConnection) {
  return {
    record_type: 'credential_connection' as const,
    id: c.id,
    connection_name: c.connectionName,
    user_name: c.userName,
    active: c.active,
    ...c.settings,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

/**
 * A credential connection as GET /v2/connections lists it (the spec's `Connection`: id,
 * connection_name, active, anchorsite_override, outbound_voice_profile_id, record_type
 * "credential_connection", tags, webhook_event_url …). For the lead to merge with the call
 * control applications' rows at merge (helper F's list).
 */
export function credentialConnectionAsConnection(c: CredentialConnection) {
  const s = c.settings;
  return {
    record_type: 'credential_connection' as const,
    id: c.id,
    connection_name: c.connectionName,
    active: c.active,
    anchorsite_override: s.anchorsite_override,
    outbound_voice_profile_id: c.outboundVoiceProfileId ?? undefined,
    tags: s.tags,
    webhook_api_version: s.webhook_api_version,
    webhook_event_url: s.webhook_event_url,
    webhook_event_failover_url: s.webhook_event_failover_url,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

/** POST …/actions/check_registration_status: nothing registers here (no SIP), so 'Not Registered'. */
export function registrationStatusJson(c: CredentialConnection) {
  return { record_type: 'registration_status' as const, sip_username: c.userName, status: 'Not Registered' as const };
}

export function telephonyCredentialJson(c: TelephonyCredential, account: string, now: number) {
  return {
    record_type: 'credential' as const,
    id: c.id,
    name: c.name ?? undefined,
    // "Identifies the resource this credential is associated with." (example: "connection:1234567890")
    resource_id: `connection:${c.connectionId}`,
    user_id: userIdOf(account),
    sip_username: c.sipUsername,
    sip_password: c.sipPassword,
    expired: isExpired(c, now),
    expires_at: c.expiresAt === null ? undefined : iso(c.expiresAt),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}
