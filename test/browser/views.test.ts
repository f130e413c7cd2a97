import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import type { Browser } from 'playwright-core';
import type { RunningEmulator } from '../../src/server.js';
import type { Receiver } from '../support/receiver.js';
import { ARTIFACTS, openConsole, shortId, startRig, stopRig, tab } from './support.js';

/**
 * A small demo, shown view by view: an app (the test, through the SDK) runs a town hall and a
 * support queue; the presenter speaks from the page. Each main view is checked, then
 * photographed into test-artifacts/console/ (the README's screenshots are copies of these).
 */
const KEY = 'KEY_demo';
let em: RunningEmulator;
let receiver: Receiver;
let browser: Browser;

beforeAll(async () => { ({ em, receiver, browser } = await startRig()); }, 60_000);
afterAll(() => stopRig({ em, receiver, browser }));

async function place(from: string, to = '+15550200000', answered = true): Promise<string> {
  const res = await fetch(`${em.url}/_mock/calls`, {
    method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from, to, connection_id: 'town-hall-app', answered }),
  });
  return (await res.json()).data.call_control_id;
}

describe('the console, view by view', { timeout: 120_000 }, () => {
  it('shows participants, floor, queue positions and a call as a sequence', async () => {
    const client = new Telnyx({ apiKey: KEY, baseURL: `${em.url}/v2`, maxRetries: 0 });
    const { page, problems } = await openConsole(browser, em.url, KEY);

    const [host, alice, bob, coach] = await Promise.all(['+15550009001', '+15550001001', '+15550001002', '+15550009002'].map((n) => place(n)));
    const conf = (await client.conferences.create({ call_control_id: host, name: 'town-hall', beep_enabled: 'on_enter' })).data!;
    await client.conferences.actions.join(conf.id, { call_control_id: alice, mute: true });
    await client.conferences.actions.join(conf.id, { call_control_id: bob });
    await client.conferences.actions.hold(conf.id, { call_control_ids: [bob] });
    await client.conferences.actions.join(conf.id, { call_control_id: coach, supervisor_role: 'whisper', whisper_call_control_ids: [host] });
    const waiting = [];
    for (const n of ['+15550003001', '+15550003002', '+15550003003']) {
      const id = await place(n, '+15550100000');
      await client.calls.actions.enqueue(id, { queue_name: 'support' });
      waiting.push(id);
    }
    await place('+15550004001', '+15550100000', false); // still ringing

    // Conferences: roles and flags, and the presenter takes the floor from the page.
    await tab(page, 'conferences');
    const row = (id: string) => page.locator(`#participants-table tr[data-participant="${id}"]`);
    await row(coach).waitFor();
    await row(alice).locator('[data-flag="muted"]').waitFor();
    await row(bob).locator('[data-flag="on_hold"]').waitFor();
    await expect(row(coach).locator('td').nth(5).textContent()).resolves.toMatch(/^whisper → /);
    await row(host).locator('button', { hasText: 'Speak' }).click();
    await row(host).locator('[data-flag="floor"]').waitFor();
    await receiver.until(() => receiver.requests.some((r) => r.json.data.event_type === 'conference.floor.changed'), 10_000, 'conference.floor.changed');
    await page.screenshot({ path: `${ARTIFACTS}conferences.png` });

    // Queues: callers in position order, each with how long it has waited.
    await tab(page, 'queues');
    const callers = page.locator('.queue[data-queue="support"] tbody tr');
    await callers.nth(2).waitFor({ state: 'attached' });
    expect(await callers.count()).toBe(3);
    expect(await callers.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.caller))).toEqual(waiting);
    await expect(callers.first().locator('td[data-since]').textContent()).resolves.toMatch(/^0:00:\d\d$/);
    await page.screenshot({ path: `${ARTIFACTS}queues.png` });

    // Calls: every call with where it is.
    await tab(page, 'calls');
    await page.locator('#calls-body tr[data-state="ringing"] button[data-act="answer"]').waitFor();
    await expect(page.locator(`#calls-body tr[data-call="${alice}"] td`).nth(5).textContent()).resolves.toBe('conference town-hall');
    await expect(page.locator(`#calls-body tr[data-call="${waiting[0]}"] td`).nth(5).textContent()).resolves.toBe('queue support');
    await page.screenshot({ path: `${ARTIFACTS}calls.png` });

    // One call as a sequence: the app's requests on one side, the emulator's webhooks on the other.
    await page.locator(`#calls-body tr[data-call="${alice}"] button`, { hasText: 'timeline' }).click();
    await page.locator('#timeline-list.sequence li[data-kind="request"] .seq-app').first().waitFor();
    const sequence = await page.locator('#timeline-list li[data-entry]').evaluateAll((els) => els.map((e) => {
      const li = e as HTMLElement;
      return `${li.dataset.kind}:${li.querySelector(li.dataset.kind === 'request' ? '.seq-app' : '.seq-emu')?.textContent}`;
    }));
    expect(sequence).toEqual([
      'webhook:◀── call.initiated · delivered · 1 attempt (200)',
      'webhook:◀── call.answered · delivered · 1 attempt (200)',
      `request:POST /v2/conferences/${shortId(conf.id)}/actions/join → 200 ──▶`,
      'webhook:◀── conference.participant.joined · delivered · 1 attempt (200)',
    ]);
    await page.locator('#timeline-list li[data-kind="webhook"]').nth(2).click();
    await page.locator('#timeline-detail', { hasText: 'telnyx-signature-ed25519' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}sequence.png` });

    // The whole timeline, a request opened.
    await page.locator('#timeline-clear').click();
    await page.locator('#timeline-list:not(.sequence) li[data-kind="request"]').first().click();
    await page.locator('#entry-body').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}timeline.png` });
    expect(problems).toEqual([]);
  });
});
