import { afterAll, describe, expect, it } from 'vitest';
import { inMemory } from '../support/harness.js';

/**
 * Every request is routed first: Hono's SmartRouter keeps its RegExpRouter (one regular
 * expression per method) only while every route can be expressed in it. A single route it cannot
 * take — a parameter pattern with a lookahead, or a static path beside a parameter on the same
 * method (`GET /phone_numbers/voice` and `GET /phone_numbers/:id`) — silently moves every route to
 * the slower TrieRouter: `npm run bench` measured mute at 0.82× the build before when it happened.
 */
const em = inMemory();
afterAll(() => em.dispose());

describe('the router', () => {
  it('stays the RegExpRouter for the whole app', async () => {
    await em.app.fetch(new Request('http://x/v2/conferences', { headers: { authorization: 'Bearer KEY_router' } }));
    const router = (em.app as unknown as { router: { name: string } }).router;
    expect(router.name).toBe('SmartRouter + RegExpRouter');
  });
});
