import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nacl from 'tweetnacl';
import Telnyx from 'telnyx';

/** One request as the receiver saw it: the raw body (what was signed) and lower-cased headers. */
export interface Delivery {
  body: string;
  headers: Record<string, string>;
  json: {
    data: { record_type: string; event_type: string; id: string; occurred_at: string; payload: Record<string, unknown> };
    meta: { attempt: number; delivered_to: string };
  };
  /** What the receiver answered: an HTTP status, or 'hang' (never answers), or 'reset' (drops the socket). */
  answer: number | 'hang' | 'reset';
  /** performance.now() when the request had been read. */
  at: number;
}

export type Responder = (d: Omit<Delivery, 'answer' | 'at'>, index: number) => number | 'hang' | 'reset';

/**
 * A real webhook receiver on 127.0.0.1 (port 0). `requests` has every request in arrival order;
 * `accepted` only those answered 2xx. The responder decides each answer (default 200).
 */
export async function startReceiver(responder: Responder = () => 200) {
  const requests: Delivery[] = [];
  const waiters = new Set<() => void>();
  let respond = responder;
  const hung = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const seen = { body, headers, json: JSON.parse(body) as Delivery['json'] };
      const answer = respond(seen, requests.length);
      requests.push({ ...seen, answer, at: performance.now() });
      if (answer === 'hang') hung.add(res);
      else if (answer === 'reset') req.socket.destroy();
      else res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accepted = () => requests.filter((r) => typeof r.answer === 'number' && r.answer >= 200 && r.answer < 300);

  return {
    url,
    requests,
    accepted,
    respondWith(r: Responder) { respond = r; },
    /** Resolves once `check` holds (re-checked on every request), or rejects after `timeoutMs`. */
    until(check: () => boolean, timeoutMs = 5000, what = 'webhooks'): Promise<void> {
      if (check()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = () => {
          if (!check()) return;
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(done);
          reject(new Error(`timed out waiting for ${what}: ${requests.length} requests, ${accepted().length} accepted: `
            + requests.map((r) => `${r.json.data.event_type}#${r.json.meta.attempt}=${r.answer}`).join(', ')));
        }, timeoutMs);
        waiters.add(done);
      });
    },
    /** Waits for `n` accepted deliveries and returns them. */
    async accepts(n: number, timeoutMs = 5000) {
      await this.until(() => accepted().length >= n, timeoutMs, `${n} accepted webhooks`);
      return accepted();
    },
    close(): Promise<void> {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Verifies with tweetnacl, independently of the SDK and of node:crypto. */
export function naclVerifies(publicKey: string, body: string, headers: Record<string, string>): boolean {
  const signature = Buffer.from(headers['telnyx-signature-ed25519'] ?? '', 'base64');
  if (signature.length !== 64) return false;
  const message = Buffer.from(`${headers['telnyx-timestamp']}|${body}`, 'utf8');
  return nacl.sign.detached.verify(message, signature, Buffer.from(publicKey, 'base64'));
}

/** The official SDK's verifier, configured the way an app would: the client option `publicKey`. */
export function sdkVerifier(publicKey: string) {
  const client = new Telnyx({ apiKey: 'KEY_unused', publicKey });
  return (body: string, headers: Record<string, string>) => client.webhooks.unwrap(body, { headers });
}

/** Both verifiers must accept every delivery; returns the SDK's unwrapped events. */
export async function verifyAll(publicKey: string, deliveries: Delivery[]) {
  const unwrap = sdkVerifier(publicKey);
  const events = [];
  for (const d of deliveries) {
    if (!naclVerifies(publicKey, d.body, d.headers)) throw new Error(`tweetnacl rejected ${d.json.data.event_type}`);
    events.push(await unwrap(d.body, d.headers));
  }
  return events;
}
