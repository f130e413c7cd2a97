import http from 'node:http';
import https from 'node:https';

/** Sends one webhook; resolves with the HTTP status, rejects on connection errors and timeouts. */
export interface Transport {
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number>;
  /** Aborts whatever is in flight and closes kept-alive sockets. */
  close(): void;
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
      return new Promise<number>((resolve, reject) => {
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
          clearTimeout(timer);
          // The status is all we need; drain the body so the socket can be reused.
          res.resume();
          res.on('error', () => {});
          resolve(res.statusCode ?? 0);
        });
        const timer = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
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
