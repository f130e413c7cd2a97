import { vi } from 'vitest';

/**
 * What is written to stdout from now on, one entry per write, kept from the terminal (the server
 * log prints there). Undone by vi.restoreAllMocks() in the test's afterEach.
 */
export function captureStdout(): string[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return written;
}
