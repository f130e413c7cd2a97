import { describe, expect, it } from 'vitest';
import { buildEmulator, defaultConfig } from '../../src/server.js';
import { Changes } from '../../src/changes.js';
import { placeCall } from '../../src/commands/callers.js';
import { advanceClock } from '../../src/commands/clock.js';

describe('committed changes, per account', () => {
  it('a write is told to its own account only, and an unsubscribed listener is gone', async () => {
    const em = buildEmulator(defaultConfig(), { ticker: false });
    try {
      const [a, b] = [em.account('KEY_A').changes, em.account('KEY_B').changes];
      const seen: Record<string, string[]> = { KEY_A: [], KEY_B: [] };
      const stopA = a.subscribe((k) => seen.KEY_A.push(k));
      const stopB = b.subscribe((k) => seen.KEY_B.push(k));
      placeCall(em.account('KEY_A'), { from: '+15550001111', to: '+15550002222', connection_id: 'c1' });
      expect(seen).toEqual({ KEY_A: ['state'], KEY_B: [] });
      stopA(); stopB();
      expect(a.listenerCount()).toBe(0);
      expect(b.listenerCount()).toBe(0);
    } finally { await em.dispose(); }
  });

  it('moving the clock is a change', async () => {
    const em = buildEmulator(defaultConfig(), { ticker: false });
    try {
      const kinds: string[] = [];
      em.account('KEY_A').changes.subscribe((k) => kinds.push(k));
      await advanceClock(em.account('KEY_A'), { seconds: 5 });
      expect(kinds).toContain('clock');
    } finally { await em.dispose(); }
  });

  it('a throwing listener does not stop the others', () => {
    const changes = new Changes();
    const seen: string[] = [];
    changes.forAccount('K').subscribe(() => { throw new Error('boom'); });
    changes.forAccount('K').subscribe((k) => seen.push(k));
    const quiet = console.error; console.error = () => {};
    try { changes.notify('K', 'webhook'); } finally { console.error = quiet; }
    expect(seen).toEqual(['webhook']);
  });
});
