/** The console's delivery view names the webhook fault that touched each attempt (issue 17). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningEmulator } from '../../src/server.js';
import type { Receiver } from '../support/receiver.js';
import { openConsole, startRig, stopRig, tab } from '../browser/support.js';

let em: RunningEmulator;
let receiver: Receiver;
let browser: Browser;

beforeAll(async () => { ({ em, receiver, browser } = await startRig()); }, 60_000);
afterAll(() => stopRig({ em, receiver, browser }));

it('shows the fault on the timeline line and on the attempt it touched, beside the failed signature mark', { timeout: 120_000 }, async () => {
  const key = 'KEY_chaos_console';
  const post = (path: string, body: object) => fetch(`${em.url}/_mock${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const fault = (await (await post('/webhook_faults', { kind: 'tamper_signature', event_type: 'call.answered' })).json()).data;
  const call = (await (await post('/calls', { from: '+15550303001', to: '+15550300000', connection_id: 'chaos-app', answered: true })).json()).data.call_control_id;
  await receiver.until(() => receiver.accepted().some((d) => d.json.data.event_type === 'call.answered' && d.json.data.payload.call_control_id === call));

  const { page, problems } = await openConsole(browser, em.url, key);
  await tab(page, 'timeline');
  const line = page.locator('#timeline-list li[data-event="call.answered"]', { hasText: 'fault: tamper_signature' });
  await line.waitFor();
  await line.click();
  const mark = page.locator(`.attempt-fault[data-fault="tamper_signature"][data-fault-id="${fault.id}"]`);
  await mark.waitFor();
  expect(await mark.textContent()).toContain(`webhook fault #${fault.id}: tamper_signature`);
  // The console's own check agrees with what the receiver's SDK would say.
  await page.locator('#entry-signature[data-verified="false"]').waitFor();
  // An untouched webhook shows no fault.
  await page.locator('#timeline-list li[data-event="call.initiated"]').click();
  await page.locator('#entry-signature[data-verified="true"]').waitFor();
  expect(await page.locator('.attempt-fault').count()).toBe(0);
  expect(problems).toEqual([]);
});
