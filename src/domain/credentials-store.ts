/**
 * The store port of domain/credentials.ts (implemented in src/store/credentials.ts), apart from
 * the rules so that the account's store port (store.ts) can name it without a circle.
 */
import type { Page, Paged } from '../model/entities.js';
import type { credentialConnections, outboundVoiceProfiles, telephonyCredentials } from '../../schema/index.js';

export type OutboundVoiceProfile = typeof outboundVoiceProfiles.$inferSelect;
export type CredentialConnection = typeof credentialConnections.$inferSelect;
export type TelephonyCredential = typeof telephonyCredentials.$inferSelect;

/** A list's order: a column and its direction. */
export interface Sort<K extends string> { by: K; descending: boolean }

export interface ProfileFilter { nameContains?: string }
export type ProfileSort = Sort<'created_at' | 'name' | 'enabled'>;
export interface ConnectionFilter { nameContains?: string; outboundVoiceProfileId?: string; none?: boolean }
export type ConnectionSort = Sort<'created_at' | 'connection_name' | 'active'>;
export interface CredentialFilter { name?: string; resourceId?: string; sipUsername?: string; tag?: string; status?: 'active' | 'expired'; now: number }

/** The storage these resources need, implemented in src/store/credentials.ts; bound to one account. */
export interface CredentialsStore {
  profile(id: string): OutboundVoiceProfile | undefined;
  listProfiles(filter: ProfileFilter, sort: ProfileSort, page: Page): Paged<OutboundVoiceProfile>;
  countProfiles(): number;
  saveProfile(row: Omit<OutboundVoiceProfile, 'account'>): void;
  deleteProfile(id: string): void;
  /** How many credential connections name the profile as their outbound voice profile. */
  profileConnections(id: string): number;

  connection(id: string): CredentialConnection | undefined;
  connectionByUserName(userName: string): CredentialConnection | undefined;
  listConnections(filter: ConnectionFilter, sort: ConnectionSort, page: Page): Paged<CredentialConnection>;
  countConnections(): number;
  /**
   * Every credential connection of the account, oldest first: for GET /v2/connections, which lists
   * them beside the call control applications (serialize/credentials.ts has their shape there).
   */
  allConnections(): CredentialConnection[];
  saveConnection(row: Omit<CredentialConnection, 'account'>): void;
  deleteConnection(id: string): void;

  credential(id: string): TelephonyCredential | undefined;
  listCredentials(filter: CredentialFilter, page: Page): Paged<TelephonyCredential>;
  countCredentials(): number;
  saveCredential(row: Omit<TelephonyCredential, 'account'>): void;
  deleteCredential(id: string): void;
}
