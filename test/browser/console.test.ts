import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import type { Browser, Page } from 'playwright-core';
import type { RunningEmulator } from '../../src/server.js';
import type { Receiver } from '../support/receiver.js';
import { whenChanged } from '../support/changes.js';
import { ARTIFACTS, openConsole, shortId, startRig, stopRig, tab } from './support.js';
import { STREAM_CAPS } from '../../src/console/live.js';

/**
 * The live console in a real browser: the page served at / by the emulator, watched through
 * server-sent events and driven through the control API, while the test plays the app with the
 * official SDK and receives its webhooks.
 */
let em: RunningEmulator;
let receiver: Receiver;
let browser: Browser;
const opened: { page: Page; problems: string[] }[] = [];

beforeAll(async () => { ({ em, receiver, browser } = await startRig()); }, 60_000);
afterAll(() => stopRig({ em, receiver, browser }));

const sdk = (key: string) => new Telnyx({ apiKey: key, baseURL: `${em.url}/v2`, maxRetries: 0 });

async function open(key?: string) {
  const tabAndProblems = await openConsole(browser, em.url, key);
  opened.push(tabAndProblems);
  return tabAndProblems;
}

/** Fills the page's "Place an inbound caller" form and submits it; resolves with the new call's row. */
async function placeFromPage(page: Page, from: string, opts: { answered?: boolean } = {}) {
  await tab(page, 'calls');
  const form = page.locator('#place-call');
  await form.locator('input[name="from"]').fill(from);
  await form.locator('input[name="to"]').fill('+15550100000');
  await form.locator('input[name="connection_id"]').fill('console-test');
  await form.locator('input[name="answered"]').setChecked(opts.answered ?? false);
  await form.locator('button[type="submit"]').click();
  const row = page.locator('#calls-body tr', { hasText: from });
  await row.waitFor();
  return row;
}

/** Runs `action`, then waits for `selector` on the page; returns how long it took to appear. */
async function appearsAfter(page: Page, action: () => Promise<unknown>, selector: string): Promise<number> {
  await action();
  const t0 = performance.now();
  await page.locator(selector).first().waitFor({ timeout: 10_000 });
  return performance.now() - t0;
}

describe('the live console', { timeout: 90_000 }, () => {
  it('shows what the app does through the SDK live, without a reload, within a second', async () => {
    const key = 'KEY_console_live';
    const client = sdk(key);
    const { page, problems } = await open(key);
    const host = await placeFromPage(page, '+15550008001', { answered: true });
    const hostId = (await host.getAttribute('data-call'))!;
    const guest = await placeFromPage(page, '+15550008002', { answered: true });
    const guestId = (await guest.getAttribute('data-call'))!;
    await tab(page, 'conferences');

    let conferenceId = '';
    const created = await appearsAfter(page, async () => {
      conferenceId = (await client.conferences.create({ call_control_id: hostId, name: 'console-demo' })).data!.id;
    }, '.card[data-conference] h3:text("console-demo")');
    const joined = await appearsAfter(page, () => client.conferences.actions.join(conferenceId, { call_control_id: guestId }),
      `#participants-table tr[data-participant="${guestId}"]`);
    const muted = await appearsAfter(page, () => client.conferences.actions.mute(conferenceId, { call_control_ids: [guestId] }),
      `#participants-table tr[data-participant="${guestId}"] [data-flag="muted"]`);
    expect({ created, joined, muted }).toEqual({ created: expect.any(Number), joined: expect.any(Number), muted: expect.any(Number) });
    for (const ms of [created, joined, muted]) expect(ms).toBeLessThan(1000);
    // Only the guest was muted; the host's row has no badge.
    expect(await page.locator(`#participants-table tr[data-participant="${hostId}"] [data-flag="muted"]`).count()).toBe(0);
    await expect(page.locator('#conference-time-left').textContent()).resolves.toMatch(/^3:59:\d\d left$/);

    expect(problems).toEqual([]);
  });

  // The rest run side by side (each on an account of its own, with the local `expect`): the
  // scenario's run spends five seconds waiting for an app that never answers (its wait's default
  // timeout), which the others need not wait behind. The live-update timing above runs alone.
  it.concurrent('runs a scenario from fixtures/ through the control API and shows its result', async ({ expect }) => {
    const key = 'KEY_console_scenario';
    const { page, problems } = await open(key);
    await tab(page, 'control');
    const form = page.locator('form[data-action="run-scenario"]');
    await form.locator('select[name="fixture"] option[value="support-queue.json"]').waitFor({ state: 'attached' });
    await form.locator('select[name="fixture"]').selectOption('support-queue.json');
    await form.locator('button').click();
    // No app answers here: the first caller arrives (a call the views show), then the wait for the
    // app to answer fails and the run reports it.
    const result = page.locator('#scenario-result', { hasText: '"passed": false' });
    await result.waitFor({ timeout: 30_000 });
    const run = JSON.parse(await result.textContent() ?? '');
    expect(run).toMatchObject({ name: 'Support queue', passed: false });
    expect(run.steps.slice(0, 2).map((s: { status: string }) => s.status)).toEqual(['passed', 'failed']);
    await tab(page, 'calls');
    await page.locator(`#calls-body tr[data-call="${run.calls.alice}"]`).waitFor();
    expect(problems).toEqual([]);
  });

  it.concurrent('is what / leads to, and loads with its own assets and no console errors', async ({ expect }) => {
    const res = await fetch(`${em.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console');

    const requested: string[] = [];
    const { page, problems } = await open();
    page.on('request', (r) => requested.push(r.url()));
    await page.reload();
    await expect(page.title()).resolves.toBe('telnyx-mock console');
    await page.locator('#account-list').waitFor();
    // Offline: every request the page makes stays on the emulator.
    expect(requested.filter((u) => !u.startsWith(em.url) && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it.concurrent('places a caller from the page: the call appears, and call.initiated shows in the timeline', async ({ expect }) => {
    const key = 'KEY_console_place';
    const { page, problems } = await open(key);
    const row = await placeFromPage(page, '+15550007001');
    expect(await row.getAttribute('data-state')).toBe('ringing');
    const id = await row.getAttribute('data-call');

    await tab(page, 'timeline');
    const entry = page.locator('#timeline-list li[data-event="call.initiated"]');
    await entry.waitFor();
    await entry.click();
    // The exact body sent: the signed envelope, naming the call.
    const body = page.locator('#entry-body');
    await body.waitFor();
    const sent = JSON.parse(await body.textContent() ?? '');
    expect(sent.data).toMatchObject({ event_type: 'call.initiated', payload: { call_control_id: id, from: '+15550007001' } });
    await expect(page.locator('#timeline-detail').textContent()).resolves.toContain('telnyx-signature-ed25519');
    // …and the same webhook reached the app.
    await receiver.until(() => receiver.requests.some((r) =>
      r.json.data.event_type === 'call.initiated' && r.json.data.payload.call_control_id === id), 5000, 'call.initiated');

    // Answering from the page is the app's own command (POST /v2/calls/{id}/actions/answer).
    await tab(page, 'calls');
    await row.locator('button[data-act="answer"]').click();
    await page.locator(`#calls-body tr[data-call="${id}"][data-state="answered"]`).waitFor();
    await tab(page, 'timeline');
    // Long ids are shortened in the middle so the action name always shows.
    await page.locator('#timeline-list li[data-kind="request"]', { hasText: `POST /v2/calls/${shortId(id!)}/actions/answer → 200` }).waitFor();
    expect(problems).toEqual([]);
  });

  it.concurrent('hangs up from the page, and the app receives call.hangup', async ({ expect }) => {
    const key = 'KEY_console_hangup';
    const { page, problems } = await open(key);
    const row = await placeFromPage(page, '+15550009001', { answered: true });
    const id = (await row.getAttribute('data-call'))!;
    await row.locator('button[data-act="hangup"]').click();
    await receiver.until(() => receiver.requests.some((r) =>
      r.json.data.event_type === 'call.hangup' && r.json.data.payload.call_control_id === id), 5000, 'call.hangup');
    const hangup = receiver.requests.find((r) => r.json.data.event_type === 'call.hangup' && r.json.data.payload.call_control_id === id)!;
    expect(hangup.json.data.payload).toMatchObject({ hangup_source: 'caller', hangup_cause: 'normal_clearing' });
    await page.locator(`#calls-body tr[data-call="${id}"][data-state="hangup"]`).waitFor();
    expect(problems).toEqual([]);
  });

  it.concurrent('shows one account at a time: the picker lists the keys this browser opened, newest first, and switching shows only that account', async ({ expect }) => {
    const [a, b] = ['KEY_console_alpha', 'KEY_console_beta'];
    const alphaCall = (await sdkPlace(a, '+15550010001')).call_control_id;
    const betaCall = (await sdkPlace(b, '+15550010002')).call_control_id;
    // Without an admin key the server lists only keys the page presents: the page remembers the
    // keys it opened (localStorage), so alpha, opened first, is listed after beta.
    const { page, problems } = await open(a);
    await page.locator(`#calls-body tr[data-call="${alphaCall}"]`).waitFor();
    await page.locator('#account-key').fill(b);
    await page.locator('#account-form button[type="submit"]').click();
    await page.locator(`#calls-body tr[data-call="${betaCall}"]`).waitFor();
    expect(await page.locator(`#calls-body tr[data-call="${alphaCall}"]`).count()).toBe(0);

    // The picker is redrawn when the page next asks for the list: wait until it shows both keys.
    await page.locator(`#account-list button[data-key="${a}"]`).waitFor();
    await page.locator(`#account-list button[data-key="${b}"]`).waitFor();
    const keys = await page.locator('#account-list button').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.key));
    expect(keys.indexOf(b)).toBeLessThan(keys.indexOf(a));
    expect(keys.indexOf(b)).toBeGreaterThanOrEqual(0);
    // No other tenant's key is shown (this emulator has many).
    expect(keys.filter((k) => k !== a && k !== b)).toEqual([]);

    await page.locator(`#account-list button[data-key="${a}"]`).click();
    await page.locator(`#calls-body tr[data-call="${alphaCall}"]`).waitFor();
    expect(await page.locator(`#calls-body tr[data-call="${betaCall}"]`).count()).toBe(0);
    await expect(page.locator('#clock-state').textContent()).resolves.toContain(a);

    // A key can be typed: a fresh one shows an empty account.
    await page.locator('#account-key').fill('KEY_console_typed');
    await page.locator('#account-form button[type="submit"]').click();
    await page.locator('#clock-state', { hasText: 'KEY_console_typed' }).waitFor();
    expect(await page.locator('#calls-body tr').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it.concurrent('says why it cannot go live when the account already has the most open streams', async ({ expect }) => {
    const key = 'KEY_console_many_tabs';
    const held = await Promise.all(Array.from({ length: STREAM_CAPS.perAccount }, () => fetch(`${em.url}/console/api/events?key=${key}`)));
    const page = await browser.newPage();
    try {
      expect(held.every((r) => r.status === 200)).toBe(true);
      await page.goto(`${em.url}/?key=${key}`);
      await page.locator('#error', { hasText: `already has ${STREAM_CAPS.perAccount} open console streams` }).waitFor();
      await expect(page.locator('#live').textContent()).resolves.toBe('closed');
    } finally {
      await page.close();
      for (const r of held) await r.body?.cancel();
    }
  });

  it.concurrent('drives the clock, numbers, faults and digits through the control API', async ({ expect }) => {
    const key = 'KEY_console_drive';
    const { page, problems } = await open(key);
    await page.locator('[data-action="freeze"]').click();
    await page.locator('#clock-state[data-frozen="true"]').waitFor();
    await page.locator('form[data-action="advance"] input').fill('PT1H');
    await page.locator('form[data-action="advance"] button').click();
    // Frozen, then an hour on: the offset from wall time is about an hour (less what has passed since).
    await page.locator('#clock-state', { hasText: /frozen · offset \+(0:59|1:00):/ }).waitFor();

    const row = await placeFromPage(page, '+15550011001', { answered: true });
    const id = (await row.getAttribute('data-call'))!;
    await row.locator('input[data-draft]').fill('12#');
    await row.locator('button[data-act="dtmf"]').click();
    // Re-read when the account changes (src/changes.ts), not on a timer: a call.dtmf.received per key.
    const dtmf = await whenChanged(em, key, async () => {
      const n = (await (await fetch(`${em.url}/_mock/webhooks?event_type=call.dtmf.received&call_control_id=${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${key}` },
      })).json()).data.length as number;
      return n === 3 ? n : undefined;
    }, { what: 'three call.dtmf.received' });
    expect(dtmf).toBe(3);

    await tab(page, 'control');
    const number = page.locator('form[data-action="set-number"]');
    await number.locator('input[name="e164"]').fill('+15557770001');
    await number.locator('select[name="behaviour"]').selectOption('busy');
    await number.locator('button').click();
    await page.locator('#number-list li', { hasText: '+15557770001: busy' }).waitFor();

    const fault = page.locator('form[data-action="add-fault"]');
    await fault.locator('input[name="path"]').fill('/v2/conferences');
    await fault.locator('button').click();
    await page.locator('#fault-list li', { hasText: '/v2/conferences → 503' }).waitFor();
    await expect(sdk(key).conferences.list()).rejects.toMatchObject({ status: 503 });
    await page.screenshot({ path: `${ARTIFACTS}control.png` });

    await page.locator('form[data-action="reset"] button').click();
    await page.locator('#number-list li').waitFor({ state: 'detached' });
    await page.locator('#clock-state[data-frozen="false"]').waitFor();
    await tab(page, 'calls');
    expect(await page.locator('#calls-body tr').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it.concurrent('shows queues with their callers in position order', async ({ expect }) => {
    const key = 'KEY_console_queue';
    const client = sdk(key);
    const { page, problems } = await open(key);
    const ids = [];
    for (const from of ['+15550012001', '+15550012002', '+15550012003']) {
      const id = (await sdkPlace(key, from)).call_control_id;
      await client.calls.actions.enqueue(id, { queue_name: 'support' });
      ids.push(id);
    }
    await tab(page, 'queues');
    const rows = page.locator('.queue[data-queue="support"] tbody tr');
    // Playwright waits on the page for the third row to be attached; then there are exactly three.
    await rows.nth(2).waitFor({ state: 'attached', timeout: 5000 });
    expect(await rows.count()).toBe(3);
    expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.caller))).toEqual(ids);
    expect(problems).toEqual([]);
  });

  it.concurrent('lists the applications the app created and the numbers it owns, with where each routes', async ({ expect }) => {
    const key = 'KEY_console_provisioning';
    const client = sdk(key);
    const { page, problems } = await open(key);
    const app = (await client.callControlApplications.create({ application_name: 'front desk', webhook_event_url: 'https://app.example.com/hooks' })).data!;
    await client.numberOrders.create({ phone_numbers: [{ phone_number: '+15557000040' }], connection_id: app.id });
    await tab(page, 'control');
    await page.locator(`#application-list li[data-application="${app.id}"]`, { hasText: 'front desk' }).waitFor();
    await page.locator('#phone-number-list li[data-phone-number="+15557000040"]', { hasText: '→ front desk' }).waitFor();
    await page.locator('form[data-action="reset"] button').click();
    await page.locator('#application-list li').waitFor({ state: 'detached' });
    expect(await page.locator('#phone-number-list li').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

/** An answered inbound call placed through the control API as the test (not the page). */
async function sdkPlace(key: string, from: string): Promise<{ call_control_id: string }> {
  const res = await fetch(`${em.url}/_mock/calls`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from, to: '+15550100000', connection_id: 'console-test', answered: true }),
  });
  expect(res.status).toBe(201);
  return (await res.json()).data;
}
