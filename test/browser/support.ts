import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

/**
 * The console's browser tests drive Debian's chromium (`apt-get install chromium`; .ci/run
 * installs it when missing) through playwright-core: no browser download.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots the tests take (gitignored); docs/console/ holds the copies the README shows. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  // --no-sandbox: CI runs as root, where chromium refuses its sandbox.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** An emulator whose webhooks go to a test receiver, and a browser to watch it with. */
export interface ConsoleRig { em: RunningEmulator; receiver: Receiver; browser: Browser }

export async function startRig(): Promise<ConsoleRig> {
  const receiver = await startReceiver();
  const em = await startEmulator(defaultConfig({ webhookUrl: `${receiver.url}/webhooks` }));
  return { em, receiver, browser: await launch() };
}

/** Closes what startRig opened (any part may be missing if it failed half-way). */
export async function stopRig(rig: Partial<ConsoleRig>): Promise<void> {
  await rig.browser?.close();
  await rig.em?.close();
  await rig.receiver?.close();
}

/** A console tab on `key`, recording every console error and uncaught exception the page has. */
export async function openConsole(browser: Browser, baseUrl: string, key?: string) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  await page.goto(key ? `${baseUrl}/?key=${encodeURIComponent(key)}` : `${baseUrl}/`);
  if (key) await page.locator('#live[data-state="on"]').waitFor();
  return { page, problems };
}

export const tab = (page: Page, name: string) => page.locator(`.tab[data-tab="${name}"]`).click();

/** An id as the console shows it in a path: shortened in the middle when long (so the action name shows). */
export const shortId = (id: string) => (id.length > 24 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id);
