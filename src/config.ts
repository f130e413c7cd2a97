/** Everything the server is configured with; only src/index.ts reads process.env. */
export interface Config {
  port: number;
  host: string;
  /** SQLite file; in memory when absent. */
  dbPath?: string;
  webhookUrl?: string;
  webhookFailoverUrl?: string;
  /** base64 of a 32-byte Ed25519 seed; generated once and kept in the database when absent. */
  signingKey?: string;
  mediaDurationSecs: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? 5080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dbPath: env.TELNYX_MOCK_DB || undefined,
    webhookUrl: env.TELNYX_MOCK_WEBHOOK_URL || undefined,
    webhookFailoverUrl: env.TELNYX_MOCK_WEBHOOK_FAILOVER_URL || undefined,
    signingKey: env.TELNYX_MOCK_SIGNING_KEY || undefined,
    mediaDurationSecs: Number(env.TELNYX_MOCK_MEDIA_SECS ?? 3),
  };
}
