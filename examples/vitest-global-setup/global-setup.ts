import type { TestProject } from 'vitest/node';
import { startMock } from 'telnyx-mock';

/**
 * One emulator for the whole test run, in the vitest process: no Docker, no server to start
 * beforehand. Tests get its address with inject(); each test file uses API keys of its own, so
 * files running in parallel never see each other's calls (each key is its own account).
 */
export default async function setup(project: TestProject) {
  const mock = await startMock();
  project.provide('telnyxMockUrl', mock.url);
  project.provide('telnyxBaseURL', mock.baseURL);
  project.provide('telnyxPublicKey', mock.publicKey);
  return () => mock.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The emulator, e.g. http://127.0.0.1:54321 (the control API is under /_mock). */
    telnyxMockUrl: string;
    /** What the SDK takes as baseURL. */
    telnyxBaseURL: string;
    /** The key webhooks are signed with: what your app verifies them with. */
    telnyxPublicKey: string;
  }
}
