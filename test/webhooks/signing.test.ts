import { mockControl } from '../../src/lib.js';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { withSdk, answeredCall, inMemory } from '../support/harness.js';
import { naclVerifies, sdkVerifier, startReceiver, verifyAll, type Receiver } from '../support/receiver.js';
import { buildEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';

let em: RunningEmulator | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await em?.close();
  await receiver?.close();
  em = undefined;
  receiver = undefined;
});

const SEED = Buffer.alloc(32, 7).toString('base64');

describe('webhook signatures', () => {
  it('signs every webhook so that both the SDK and tweetnacl accept it', async () => {
    receiver = await startReceiver();
    ({ em } = await withSdk({ webhookUrl: receiver.url }));
    answeredCall(em, 'KEY_sdk_test');
    const got = await receiver.accepts(2);
    const events = await verifyAll(em.webhooks.publicKey, got);
    expect(events.map((e) => (e as { data: { event_type: string } }).data.event_type)).toEqual(['call.initiated', 'call.answered']);
    for (const d of got) {
      expect(d.headers['content-type']).toBe('application/json');
      expect(Buffer.from(d.headers['telnyx-signature-ed25519'], 'base64')).toHaveLength(64);
    }
  });

  it('rejects a webhook whose body or timestamp was tampered with', async () => {
    receiver = await startReceiver();
    ({ em } = await withSdk({ webhookUrl: receiver.url }));
    answeredCall(em, 'KEY_sdk_test');
    const [d] = await receiver.accepts(1);
    const key = em.webhooks.publicKey;
    const unwrap = sdkVerifier(key);
    const body = d.body.replace('"call.initiated"', '"call.answered"');
    const ts = String(Number(d.headers['telnyx-timestamp']) + 1);

    await expect(unwrap(d.body, d.headers)).resolves.toBeTruthy();
    await expect(unwrap(body, d.headers)).rejects.toThrow(/Signature verification failed/);
    await expect(unwrap(d.body, { ...d.headers, 'telnyx-timestamp': ts })).rejects.toThrow(/Signature verification failed/);
    expect(naclVerifies(key, d.body, d.headers)).toBe(true);
    expect(naclVerifies(key, body, d.headers)).toBe(false);
    expect(naclVerifies(key, d.body, { ...d.headers, 'telnyx-timestamp': ts })).toBe(false);
  });

  it('stamps webhooks with wall time even when the account clock is days ahead', async () => {
    receiver = await startReceiver();
    ({ em } = await withSdk({ webhookUrl: receiver.url }));
    const account = 'KEY_sdk_test';
    await mockControl(em, account).advance(3 * 86_400);
    answeredCall(em, account);
    const [d] = await receiver.accepts(1);
    expect(Math.abs(Number(d.headers['telnyx-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    // occurred_at is the account's (virtual) time; only the signature's timestamp is wall time.
    expect(Date.parse(d.json.data.occurred_at) - Date.now()).toBeGreaterThan(2.9 * 86_400_000);
    await expect(sdkVerifier(em.webhooks.publicKey)(d.body, d.headers)).resolves.toBeTruthy();
  });

  it('uses the configured seed, whose public key is the one tweetnacl derives from it', async () => {
    receiver = await startReceiver();
    ({ em } = await withSdk({ webhookUrl: receiver.url, signingKey: SEED }));
    const expected = Buffer.from(nacl.sign.keyPair.fromSeed(Buffer.from(SEED, 'base64')).publicKey).toString('base64');
    expect(em.webhooks.publicKey).toBe(expected);
    const res = await fetch(`${em.url}/_mock/webhooks/public_key`, { headers: { authorization: 'Bearer KEY_any' } });
    expect(await res.json()).toEqual({ data: { public_key: expected, source: 'TELNYX_MOCK_SIGNING_KEY' } });
    answeredCall(em, 'KEY_sdk_test');
    const [d] = await receiver.accepts(1);
    expect(naclVerifies(expected, d.body, d.headers)).toBe(true);
  });

  it('refuses a signing key that is not the base64 of 32 bytes', () => {
    expect(() => inMemory({ signingKey: Buffer.alloc(31).toString('base64') })).toThrow(/32-byte Ed25519 seed/);
    expect(() => inMemory({ signingKey: 'not base64!' })).toThrow(/32-byte Ed25519 seed/);
  });

  it('generates a key once and keeps it in a file database across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-keys-'));
    try {
      const config = defaultConfig({ dbPath: join(dir, 'mock.db') });
      const first = buildEmulator(config, { ticker: false });
      const key = first.webhooks.publicKey;
      await first.dispose();
      const second = buildEmulator(config, { ticker: false });
      expect(second.webhooks.publicKey).toBe(key);
      await second.dispose();
      const other = inMemory();
      expect(other.webhooks.publicKey).not.toBe(key);
      await other.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
