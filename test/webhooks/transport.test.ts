/**
 * What the webhook transport keeps of an answer, for /v2/webhook_deliveries: the status, the
 * headers and the body, each "limited to 10kB" as Telnyx's webhook_delivery attempt says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { httpTransport, MAX_RESPONSE_BYTES, type TransportAnswer } from '../../src/webhooks/transport.js';

const servers: http.Server[] = [];
const transport = httpTransport(4);
afterAll(() => transport.close());
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/hooks`;
}

const post = (url: string, timeoutMs = 2000) =>
  transport.post(url, '{"data":{}}', { 'content-type': 'application/json' }, timeoutMs) as Promise<TransportAnswer>;

describe('the webhook transport', () => {
  it('answers with the status, the headers in the order sent and the body', async () => {
    const url = await serve((req, res) => {
      req.resume();
      res.writeHead(404, [['Content-Type', 'text/html'], ['Pragma', 'no-cache']]).end('Oops. Not found.');
    });
    const answer = await post(url);
    expect(answer.status).toBe(404);
    expect(answer.body).toBe('Oops. Not found.');
    expect(answer.headers.slice(0, 2)).toEqual([['Content-Type', 'text/html'], ['Pragma', 'no-cache']]);
  });

  it('keeps the first 10 KiB of a larger body, and of the headers', async () => {
    const url = await serve((req, res) => {
      req.resume();
      const many = Array.from({ length: 30 }, (_, i) => [`x-filler-${i}`, 'v'.repeat(400)]);
      res.writeHead(200, many.flat()).end('a'.repeat(3 * MAX_RESPONSE_BYTES));
    });
    const answer = await post(url);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('a'.repeat(MAX_RESPONSE_BYTES));
    const size = answer.headers.reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(size).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(answer.headers.length).toBeGreaterThan(10);
    expect(answer.headers.length).toBeLessThan(30);
  });

  it('answers with what came when the body is still arriving at the timeout', async () => {
    const url = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const answer = await post(url, 200);
    expect(answer).toMatchObject({ status: 200, body: 'partial' });
  });

  it('rejects when no answer comes within the timeout', async () => {
    const url = await serve((req) => { req.resume(); });
    await expect(post(url, 100)).rejects.toThrow('timed out after 100 ms');
  });
});
