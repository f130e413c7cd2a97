import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import { accountLabel, createLogger, logSettings, DEFAULT_LOG } from '../../src/log.js';
import { captureStdout } from '../support/stdout.js';

/**
 * The server log in process: what is printed for which answer (test/log/server-log.test.ts runs
 * the real server). Lines go to stdout, read here through a spy on its write.
 */
let em: Emulator | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await em?.dispose();
  em = undefined;
});

const KEY = 'KEY_in_process_log';

describe('the server log of requests', () => {
  it('by default prints a failure with its code and detail, and does not write at all for a success', async () => {
    em = inMemory({ log: DEFAULT_LOG });
    const http = api(em);
    const written = captureStdout();
    expect((await http.as(KEY).get('/v2/queues')).status).toBe(200);
    expect(written).toEqual([]);
    expect((await http.as(KEY).post('/v2/queues', {})).status).toBe(422);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(new RegExp(`^${accountLabel(KEY).replace('.', '\\.')} POST /v2/queues → 422 [0-9.]+ms 10004 The 'queue_name' parameter is required and cannot be blank\\.\\n$`));
  });

  it('prints the answer of an injected fault, and a 405, as the failures they are', async () => {
    em = inMemory({ log: logSettings('errors', 'json') });
    const http = api(em);
    await http.as(KEY).post('/_mock/faults', { method: 'GET', path: '/v2/queues', status: 503 });
    const written = captureStdout();
    expect((await http.as(KEY).get('/v2/queues')).status).toBe(503);
    expect((await http.as(KEY).delete('/v2/queues')).status).toBe(405);
    const entries = written.map((l) => JSON.parse(l));
    expect(entries).toEqual([
      expect.objectContaining({ type: 'request', method: 'GET', path: '/v2/queues', status: 503, error: expect.objectContaining({ code: '10007', title: 'Service unavailable' }) }),
      expect.objectContaining({ type: 'request', method: 'DELETE', path: '/v2/queues', status: 405, error: expect.objectContaining({ title: 'Method not allowed' }) }),
    ]);
  });

  it('prints a request sent without a key, its account shown as `-`', async () => {
    em = inMemory({ log: DEFAULT_LOG });
    const written = captureStdout();
    expect((await api(em).raw.get('/v2/queues')).status).toBe(401);
    expect(written).toHaveLength(1);
    expect(written[0]).toBe('- GET /v2/queues → 401 0ms 10009 The required authentication headers were either invalid or not included in the request.\n');
  });

  it('keeps a line one line: control characters a tenant sends are shown escaped, a long path is cut', () => {
    const lines: string[] = [];
    const log = createLogger(logSettings('requests', 'text'), (l) => lines.push(l));
    log.request(KEY, 'GET', '/v2/queues/a%0A' + 'KEY_…000000%20GET%20/v2/forged%1B[31m', 404, 1);
    log.request(KEY, 'GET', `/v2/queues/${'q'.repeat(1000)}`, 404, 1);
    expect(lines[0]).toBe(`${accountLabel(KEY)} GET /v2/queues/a\\x0aKEY_…000000 GET /v2/forged\\x1b[31m → 404 1ms`);
    expect(lines[1].length).toBeLessThan(400);
    expect(lines.join('').includes('\n')).toBe(false);
  });

  it('shows a call_control_id as the app wrote it, not percent-encoded', () => {
    const lines: string[] = [];
    createLogger(logSettings('requests', 'text'), (l) => lines.push(l)).request(KEY, 'POST', '/v2/calls/v3%3Aabc/actions/speak', 200, 1.25);
    expect(lines).toEqual([`${accountLabel(KEY)} POST /v2/calls/v3:abc/actions/speak → 200 1.3ms`]);
  });

  it('prints nothing when no log is configured (what startMock() and the tests get)', async () => {
    em = inMemory();
    const written = captureStdout();
    expect((await api(em).as(KEY).post('/v2/queues', {})).status).toBe(422);
    expect(written).toEqual([]);
  });
});

describe('the account label', () => {
  it('is stable, short, and never the key: at most 4 characters of it (at most half) and a hash fragment', () => {
    expect(accountLabel(KEY)).toBe(accountLabel(KEY));
    expect(accountLabel(KEY)).toMatch(/^KEY_…[0-9a-f]{6}$/);
    expect(accountLabel('KEY_other')).not.toBe(accountLabel(KEY));
    expect(accountLabel('ab')).toMatch(/^a…[0-9a-f]{6}$/);
    expect(accountLabel('x')).toMatch(/^…[0-9a-f]{6}$/);
  });
});

describe('log settings', () => {
  it('keeps failures on whatever else is asked, unless none', () => {
    expect(logSettings(undefined, undefined)).toEqual({ errors: true, requests: false, webhooks: false, format: 'text' });
    expect(logSettings('requests, webhooks', 'JSON')).toEqual({ errors: true, requests: true, webhooks: true, format: 'json' });
    expect(logSettings('webhooks', '')).toEqual({ errors: true, requests: false, webhooks: true, format: 'text' });
    expect(logSettings('none', undefined)).toEqual({ errors: false, requests: false, webhooks: false, format: 'text' });
  });

  it('names the setting and the word it does not take, with the word meant', () => {
    expect(() => logSettings('webhoks', undefined)).toThrow("--log takes a list of requests, webhooks, errors, none, got 'webhoks' (did you mean 'webhooks'?)");
    expect(() => logSettings(undefined, 'jsn', { kinds: 'TELNYX_MOCK_LOG', format: 'TELNYX_MOCK_LOG_FORMAT' }))
      .toThrow("TELNYX_MOCK_LOG_FORMAT is text or json, got 'jsn' (did you mean 'json'?)");
  });
});
