import { describe, expect, it } from 'vitest';
import { buildEmulator, defaultConfig } from '../../src/server.js';
import { Changes } from '../../src/changes.js';
import { placeCall } from '../../src/commands/callers.js';
import { advanceClock } from '../../src/commands/clock.js';

describe('committed changes, per account', () => {
  it('a write wakes a waiter on its own account only, and the waiter unsubscribes', async () => {
    const em = buildEmulator(defaultConfig(), { ticker: false });
    try {
      const changes = em.account('KEY_A').services.changes;
      const mine = changes.next('KEY_A', 1_000);
      const other = changes.next('KEY_B', 50);
      placeCall(em.account('KEY_A'), { from: '+15550001111', to: '+15550002222', connection_id: 'c1' });
      expect(await mine).toBe('state');
      expect(await other).toBeNull();
      expect(changes.listenerCount('KEY_A')).toBe(0);
      expect(changes.listenerCount('KEY_B')).toBe(0);
    } finally { await em.dispose(); }
  });

  it('moving the clock is a change', async () => {
    const em = buildEmulator(defaultConfig(), { ticker: false });
    try {
      const kinds: string[] = [];
      em.account('KEY_A').services.changes.subscribe('KEY_A', (k) => kinds.push(k));
      advanceClock(em.account('KEY_A'), { seconds: 5 });
      expect(kinds).toContain('clock');
    } finally { await em.dispose(); }
  });

  it('an aborted wait resolves null and a throwing listener does not stop the others', async () => {
    const changes = new Changes();
    const ac = new AbortController();
    const waiting = changes.next('K', 10_000, ac.signal);
    ac.abort();
    expect(await waiting).toBeNull();
    const seen: string[] = [];
    changes.subscribe('K', () => { throw new Error('boom'); });
    changes.subscribe('K', (k) => seen.push(k));
    const quiet = console.error; console.error = () => {};
    try { changes.notify('K', 'webhook'); } finally { console.error = quiet; }
    expect(seen).toEqual(['webhook']);
  });
});
