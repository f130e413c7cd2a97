import { afterEach, beforeEach } from 'vitest';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { startReferenceApp, type ReferenceApp } from '../../fixtures/reference-app.js';

/** A fresh emulator and the fixtures' reference app pointed at it, for each test of the file. */
export function withReferenceApp(): { readonly mock: TelnyxMock; readonly app: ReferenceApp } {
  let mock: TelnyxMock;
  let app: ReferenceApp;
  beforeEach(async () => {
    mock = await startMock();
    app = await startReferenceApp({ telnyxUrl: mock.url, apiKey: mock.apiKey, publicKey: mock.publicKey });
  });
  afterEach(async () => {
    await app.close();
    await mock.close();
  });
  return { get mock() { return mock; }, get app() { return app; } };
}

/** A scenario run's steps that did not pass, one line each (empty when it ran green). */
export const failures = (r: Awaited<ReturnType<TelnyxMock['runScenario']>>) =>
  r.steps.filter((s) => s.status !== 'passed').map((s) => `step ${s.index} ${s.title}: ${s.status} ${s.reason ?? ''}`);
