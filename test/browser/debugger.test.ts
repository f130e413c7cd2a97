import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import type { Browser } from 'playwright-core';
import type { RunningEmulator } from '../../src/server.js';
import type { Receiver } from '../support/receiver.js';
import { ARTIFACTS, openConsole, startRig, stopRig, tab } from './support.js';

/**
 * The console as a debugger (issue 18): when the app misbehaves, the failures come first — a
 * refused request shows its error where the eye lands, a filter leaves only failures, the action
 * name of a long call id stays visible, a webhook can be sent again and is shown as a resend, and
 * a call shows the gather it is waiting in.
 */
let em: RunningEmulator;
let receiver: Receiver;
let browser: Browser;

beforeAll(async () => { ({ em, receiver, browser } = await startRig()); }, 60_000);
afterAll(() => stopRig({ em, receiver, browser }));

async function place(key: string, from: string): Promise<string> {
  const res = await fetch(`${em.url}/_mock/calls`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from, to: '+15550300000', connection_id: 'debug-app', answered: true }),
  });
  return (await res.json()).data.call_control_id;
}

const sdk = (key: string) => new Telnyx({ apiKey: key, baseURL: `${em.url}/v2`, maxRetries: 0 });

describe('the console as a debugger', { timeout: 120_000 }, () => {
  it('shows a refused request as a failure with its error on the line, and filters to errors only', async () => {
    const key = 'KEY_debug_errors';
    const call = await place(key, '+15550301001');
    const client = sdk(key);
    await client.calls.actions.speak(call, { payload: 'Welcome', voice: 'female' });
    // A 422: the conference needs a call_control_id of a live call.
    await expect(client.conferences.create({ call_control_id: 'v3:nope', name: 'x' })).rejects.toThrow();
    const { page, problems } = await openConsole(browser, em.url, key);
    await tab(page, 'timeline');

    const failed = page.locator('#timeline-list li.failed[data-kind="request"]', { hasText: 'POST /v2/conferences → 422' });
    await failed.waitFor();
    // The error's code, title and detail are on the line itself, without clicking through.
    const line = (await failed.locator('.error-line').textContent())!;
    expect(line).toMatch(/^90015 /);
    expect(line).toContain(':');
    // Read again until stable: the timeline redraws as webhooks land, detaching the line read a moment before.
    await expect.poll(() => failed.locator('.what').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(194, 45, 58)');
    // And on top of the detail, above the body that was sent.
    await failed.click();
    await page.locator('#entry-error').waitFor();
    const [errorTop, bodyTop] = await Promise.all(['#entry-error', '#entry-body'].map((s) => page.locator(s).evaluate((el) => el.getBoundingClientRect().top)));
    expect(errorTop).toBeLessThan(bodyTop);
    expect(await page.locator('#entry-curl').textContent()).toMatch(/^curl -g -X POST '.*\/v2\/conferences' -H 'authorization: Bearer KEY_debug_errors' .*--data '\{"call_control_id":"v3:nope","name":"x"\}'$/);

    await page.locator('#timeline-filter input[name="errors"]').setChecked(true);
    await page.locator('#timeline-filter button[type="submit"]').click();
    await page.locator('#timeline-list li[data-failed="false"]').first().waitFor({ state: 'detached' });
    const kinds = await page.locator('#timeline-list li[data-entry]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.failed));
    expect(kinds).toEqual(['true']);
    await page.screenshot({ path: `${ARTIFACTS}debugger-errors.png` });
    expect(problems).toEqual([]);
  });

  it("keeps the action name visible for a call id of Telnyx's real length", async () => {
    const key = 'KEY_debug_names';
    const call = await place(key, '+15550302001');
    expect(call.length).toBeGreaterThanOrEqual(57); // e.g. v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg
    await sdk(key).calls.actions.speak(call, { payload: 'Hello', voice: 'female' });
    const { page, problems } = await openConsole(browser, em.url, key);
    await tab(page, 'timeline');
    const what = page.locator('#timeline-list li[data-kind="request"] .what', { hasText: '/actions/speak' });
    await what.waitFor();
    // Shown whole: the id is shortened in the middle, and nothing of the line is clipped.
    const box = await what.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, text: el.textContent }));
    expect(box.text).toMatch(/^POST \/v2\/calls\/v3:.{5}….{6}\/actions\/speak → 200$/);
    expect(box.scroll).toBeLessThanOrEqual(box.client + 1);
    expect(problems).toEqual([]);
  });

  it('resends a webhook: it arrives again at the receiver with the same event id, signed, and shows as a resend', async () => {
    const key = 'KEY_debug_resend';
    const call = await place(key, '+15550303001');
    await receiver.until(() => receiver.accepted().some((d) => d.json.data.event_type === 'call.answered' && d.json.data.payload.call_control_id === call));
    const { page, problems } = await openConsole(browser, em.url, key);
    await tab(page, 'timeline');
    await page.locator('#timeline-list li[data-event="call.answered"]').click();
    // The mark the SDK's unwrap would agree with.
    await page.locator('#entry-signature[data-verified="true"]', { hasText: 'signature verifies with the public key shown here' }).waitFor();
    const answeredOf = () => receiver.accepted().filter((d) => d.json.data.event_type === 'call.answered' && d.json.data.payload.call_control_id === call);
    await page.locator('#resend').click();
    // Waited for by what it is: other webhooks (this file's other calls) may arrive meanwhile.
    await receiver.until(() => answeredOf().length > 1);
    const answered = answeredOf();
    expect(answered).toHaveLength(2);
    expect(answered[1].json.data.id).toBe(answered[0].json.data.id);
    expect(answered[1].body).toBe(answered[0].body.replace(/"attempt":\d+/, '"attempt":1'));
    const resent = page.locator('#timeline-list li[data-kind="webhook"]', { hasText: 'resend: call.answered · delivered' });
    await resent.waitFor();
    await resent.click();
    await page.locator('#entry-resend-of', { hasText: 'a resend of webhook #' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('shows a pending gather on its call: the digits so far and when it gives up', async () => {
    const key = 'KEY_debug_gather';
    const call = await place(key, '+15550304001');
    await sdk(key).calls.actions.gather(call, { minimum_digits: 4, maximum_digits: 4, timeout_millis: 60_000 });
    await fetch(`${em.url}/_mock/calls/${encodeURIComponent(call)}/dtmf`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ digits: '12' }),
    });
    const { page, problems } = await openConsole(browser, em.url, key);
    const gather = page.locator(`#calls-body tr[data-call="${call}"] [data-gather="12"]`);
    await gather.waitFor();
    expect(await gather.textContent()).toMatch(/^gathering: "12" \(4–4 digits, ends on #\), gives up at \d\d:\d\d:\d\d\.\d{3}$/);
    expect(await page.locator(`#calls-body tr[data-call="${call}"] [data-last-event]`).textContent()).toBe('call.dtmf.received');
    await page.screenshot({ path: `${ARTIFACTS}debugger-gather.png` });
    expect(problems).toEqual([]);
  });

  it('shows the server: version, public key, database and bounds', async () => {
    const { page, problems } = await openConsole(browser, em.url, 'KEY_debug_server');
    await tab(page, 'server');
    const table = page.locator('#server-table');
    await table.waitFor();
    const text = (await table.textContent())!;
    expect(text).toContain(em.webhooks.publicKey);
    expect(text).toContain('in memory');
    expect(text).toMatch(/version\d+\.\d+\.\d+/);
    expect(problems).toEqual([]);
  });

  it('folds away keys that were only ever refused', async () => {
    await fetch(`${em.url}/v2/conferences/nope`, { headers: { authorization: 'Bearer KEY_debug_stray' } });
    await place('KEY_debug_real', '+15550305001');
    await fetch(`${em.url}/v2/calls`, { headers: { authorization: 'Bearer KEY_debug_real' } });
    // The page lists keys it has opened (no admin key: nobody else's): the stray one, then the real one.
    const { page, problems } = await openConsole(browser, em.url, 'KEY_debug_stray');
    await page.locator('#account-key').fill('KEY_debug_real');
    await page.locator('#account-form button[type="submit"]').click();
    await page.locator('#account-list > li > button[data-key="KEY_debug_real"]').waitFor();
    await page.locator('#refused-accounts button[data-key="KEY_debug_stray"]').waitFor({ state: 'attached' });
    expect(await page.locator('#account-list > li > button[data-key="KEY_debug_stray"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
