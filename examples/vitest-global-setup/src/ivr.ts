import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Telnyx from 'telnyx';

/**
 * A tiny IVR: it answers every inbound call, asks for a digit, and puts the caller in the
 * `sales` queue on 1 or `support` on 2; any other key (or none) hangs up. It knows nothing of
 * telnyx-mock: it gets the API's base URL, a key and the webhook public key, as in production.
 */
export async function startIvr(opts: { baseURL: string; apiKey: string; publicKey: string }) {
  const client = new Telnyx({ apiKey: opts.apiKey, baseURL: opts.baseURL, publicKey: opts.publicKey });
  const queues: Record<string, string> = { 1: 'sales', 2: 'support' };

  async function handle(event: { event_type: string; payload: Record<string, any> }) {
    const id: string = event.payload.call_control_id;
    switch (event.event_type) {
      case 'call.initiated':
        if (event.payload.direction === 'incoming') await client.calls.actions.answer(id, {});
        break;
      case 'call.answered':
        await client.calls.actions.gatherUsingSpeak(id, {
          payload: 'Press 1 for sales, 2 for support.', voice: 'female', language: 'en-US',
          maximum_digits: 1, valid_digits: '0123456789',
        });
        break;
      case 'call.gather.ended': {
        const queue = queues[event.payload.digits as string];
        if (queue) await client.calls.actions.enqueue(id, { queue_name: queue });
        else await client.calls.actions.hangup(id, {});
        break;
      }
    }
  }

  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    try {
      // Refuses a webhook whose signature does not verify with the public key.
      await client.webhooks.unwrap(body, { headers: req.headers as Record<string, string> });
      res.end();
      await handle(JSON.parse(body).data);
    } catch (err) {
      if (!res.headersSent) res.writeHead(400).end();
      console.error(err);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
