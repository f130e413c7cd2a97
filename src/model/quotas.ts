/**
 * Quotas per account: how much one API key may keep stored or hold open at once on a shared
 * emulator, so one CI job cannot push the process into the OOM killer and lose every tenant's
 * state. Each is configurable (env, CLI, startMock()); README's "Sharing one emulator" lists them.
 * Plain data, so every room can read them.
 */
export interface Quotas {
  /** Calls stored per account (every leg, live or ended); placing one more answers 422 (Quota reached). */
  calls: number;
  /** Speak / playback items stored per account (queued, playing or done). */
  mediaItems: number;
  /** Webhook log rows per account: past it, the oldest *delivered* rows are pruned; undelivered never. */
  webhookRows: number;
  /** command_id values remembered per account (each call's replay guard). */
  commandIds: number;
  /** Requests the journal keeps per account (a ring: older ones are dropped). */
  journalRequests: number;
  /** Recording downloads open at once per account. */
  downloads: number;
  /** How long a download may wait for its client to read the next chunk before the socket is closed. */
  downloadSendTimeoutMs: number;
  /** Wall time with no use after which an account's in-memory objects are released (its stored state stays). */
  idleReleaseMs: number;
  /**
   * The same for an account whose request journal holds requests that were answered (not a stray
   * key's refusals only): longer, since the journal is memory only and what a developer reads
   * after a break (the console's timeline, /_mock/requests).
   */
  journalIdleReleaseMs: number;
}

export const QUOTA_DEFAULTS: Quotas = {
  calls: 10_000,
  mediaItems: 20_000,
  webhookRows: 100_000,
  commandIds: 50_000,
  journalRequests: 1000,
  downloads: 8,
  downloadSendTimeoutMs: 30_000,
  idleReleaseMs: 10 * 60_000,
  journalIdleReleaseMs: 24 * 3_600_000,
};

/** The environment variable each quota is read from (src/config.ts), also the CLI flag's name in kebab case. */
export const QUOTA_ENV: Record<keyof Quotas, string> = {
  calls: 'TELNYX_MOCK_MAX_CALLS',
  mediaItems: 'TELNYX_MOCK_MAX_MEDIA_ITEMS',
  webhookRows: 'TELNYX_MOCK_MAX_WEBHOOK_ROWS',
  commandIds: 'TELNYX_MOCK_MAX_COMMAND_IDS',
  journalRequests: 'TELNYX_MOCK_MAX_JOURNAL_REQUESTS',
  downloads: 'TELNYX_MOCK_MAX_DOWNLOADS',
  downloadSendTimeoutMs: 'TELNYX_MOCK_DOWNLOAD_SEND_TIMEOUT_MS',
  idleReleaseMs: 'TELNYX_MOCK_IDLE_RELEASE_MS',
  journalIdleReleaseMs: 'TELNYX_MOCK_JOURNAL_IDLE_RELEASE_MS',
};

/** Defaults where `partial` is silent; each given value must be a positive integer. */
export function quotas(partial: Partial<Quotas> = {}): Quotas {
  const out = { ...QUOTA_DEFAULTS };
  for (const [k, v] of Object.entries(partial) as [keyof Quotas, number | undefined][]) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1) throw new Error(`quota ${k} must be a positive integer, got ${v}`);
    out[k] = v;
  }
  return out;
}

/** A key as an error or log line may show it: enough to tell accounts apart, never the credential. */
export function shortKey(key: string): string {
  return key.length <= 8 ? `${key.slice(0, 2)}…` : `${key.slice(0, 6)}…${key.slice(-2)}`;
}
