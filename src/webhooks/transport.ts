import http from 'node:http';
import https from 'node:https';

/** What a receiver answered: the status, and its headers and body as /v2/webhook_deliveries shows them. */
export interface TransportAnswer {
  status: number;
  headers: [string, string][];
  body: string;
}

/** Telnyx keeps a response's body, and its list of headers, "limited to 10kB" (webhook_delivery attempt). */
export const MAX_RESPONSE_BYTES = 10 * 1024;

/** A transport may answer with the status alone. */
export const answerOf = (a: number | TransportAnswer): TransportAnswer =>
  (typeof a === 'number' ? { status: a, headers: [], body: '' } : a);

/** Sends one webhook; resolves with the answer (or its status), rejects on connection errors and timeouts. */
export interface Transport {
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number | TransportAnswer>;
  /** Aborts whatever is in flight and closes kept-alive sockets. */
  close(): void;
}

/** Raw header pairs in the order received, up to MAX_RESPONSE_BYTES in all. */
function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  let size = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    size += raw[i].length + raw[i + 1].length;
    if (size > MAX_RESPONSE_BYTES) break;
    pairs.push([raw[i], raw[i + 1]]);
  }
  return pairs;
}

/**
 * node:http with keep-alive agents sized to the dispatcher's concurrency: cheaper per request than
 * fetch, which matters when thousands of webhooks share the event loop with the API. `maxSockets`
 * counts per destination (host and port), as the dispatcher's per-destination share does, so a
 * request never queues inside the agent, where its timeout would run before it was even sent.
 */
export function httpTransport(maxSockets: number): Transport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };
  return {
    post(url, body, headers, timeoutMs) {
      return new Promise<TransportAnswer>((resolve, reject) => {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          reject(new Error(`invalid URL: ${url}`));
          return;
        }
        const agent = agents[target.protocol as keyof typeof agents];
        if (!agent) {
          reject(new Error(`unsupported protocol ${target.protocol}`));
          return;
        }
        const send = target.protocol === 'https:' ? https.request : http.request;
        const req = send(target, {
          method: 'POST', agent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        }, (res) => {
          // Keep the first 10 KiB of the body and of the headers; drain the rest so the socket can be
          // reused. A body cut off (timeout, reset) still answers with what came.
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept >= MAX_RESPONSE_BYTES) return;
            chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - kept));
            kept += chunk.length;
          });
          const done = () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: headerPairs(res.rawHeaders), body: Buffer.concat(chunks).toString('utf8') });
          };
          answered = done;
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
        });
        // Once the status has come, a body still arriving at the timeout is cut off, not a failure.
        let answered: (() => void) | undefined;
        const timer = setTimeout(() => {
          answered?.();
          req.destroy(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        req.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        req.end(body);
      });
    },
    close() {
      for (const agent of Object.values(agents)) agent.destroy();
    },
  };
}
