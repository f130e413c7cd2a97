import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { placeCall } from '../../src/commands/callers.js';
import { createConference, joinConference } from '../../src/commands/conferences.js';
import { ARTIFACTS, launch, openConsole, tab } from './support.js';

/**
 * "Stays usable with a conference of 800 participants and 5,000 timeline entries": the page
 * shows them a page at a time, and paging answers at once.
 */
const KEY = 'KEY_console_scale';
// 1 creator + 799 joiners: 800 is the most max_participants allows.
const PARTICIPANTS = 799;
let em: RunningEmulator;
let browser: Browser;

beforeAll(async () => {
  em = await startEmulator(defaultConfig());
  browser = await launch();
  // Seeded in process (the same commands /_mock and /v2 call): 800 callers in one conference,
  // then more callers until the timeline passes 5,000 entries (each answered caller is 2 webhooks).
  const a = em.account(KEY);
  const caller = (i: number) => placeCall(a, {
    from: `+1555${String(i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'scale', answered: true,
  }).callControlId;
  const host = caller(0);
  const conf = createConference(a, { call_control_id: host, name: 'all-hands', max_participants: 800 });
  for (let i = 1; i <= PARTICIPANTS; i++) joinConference(a, conf.id, { call_control_id: caller(i) });
  for (let i = PARTICIPANTS + 1; i <= 2100; i++) caller(i);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await em?.close();
});

describe('the console with a big account', { timeout: 120_000 }, () => {
  it('pages through a conference of 800 participants', async () => {
    const { page, problems } = await openConsole(browser, em.url, KEY);
    await tab(page, 'conferences');
    const rows = page.locator('#participants-table tbody tr');
    await page.locator('#conference-detail .pager', { hasText: `1–100 of ${PARTICIPANTS + 1}` }).waitFor();
    expect(await rows.count()).toBe(100);

    const t0 = performance.now();
    await page.locator('#conference-detail .pager button', { hasText: 'next' }).click();
    await page.locator('#conference-detail .pager', { hasText: `101–200 of ${PARTICIPANTS + 1}` }).waitFor();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await rows.first().locator('td').first().textContent()).toBe('101');
    await page.screenshot({ path: `${ARTIFACTS}conference-800.png` });
    expect(problems).toEqual([]);
  });

  it('pages through a timeline of more than 5,000 entries, newest first shown', async () => {
    const { page, problems } = await openConsole(browser, em.url, KEY);
    await tab(page, 'timeline');
    const range = page.locator('#timeline-range');
    await range.waitFor();
    const total = Number((await range.textContent())!.match(/of (\d+)/)![1]);
    expect(total).toBeGreaterThanOrEqual(5000);
    await expect(range.textContent()).resolves.toBe(`${total - 99}–${total} of ${total}`);
    expect(await page.locator('#timeline-list li[data-entry]').count()).toBe(100);

    const t0 = performance.now();
    await page.locator('#timeline-pager button', { hasText: 'oldest' }).click();
    await page.locator('#timeline-range', { hasText: `1–100 of ${total}` }).waitFor();
    expect(performance.now() - t0).toBeLessThan(2000);
    await expect(page.locator('#timeline-list li[data-entry]').first().getAttribute('data-event')).resolves.toBe('call.initiated');
    expect(problems).toEqual([]);
  });
});
