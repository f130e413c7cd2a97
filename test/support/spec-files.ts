import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** spec/telnyx-openapi/, the vendored subsets of Telnyx's spec (see its README.md). */
export const SPEC_DIR = fileURLToPath(new URL('../../spec/telnyx-openapi/', import.meta.url));

let parsed: Array<{ file: string; doc: unknown }> | undefined;

/**
 * Every .yml file of the vendored spec, parsed once per process (sorted by name): half a megabyte
 * of YAML, which the request contract (openapi.ts) and the webhook contract (webhooks/contract.ts)
 * both read, and a worker running many test files would otherwise parse again for each. The
 * documents are shared: read them, never change them.
 */
export function specDocuments(): ReadonlyArray<{ file: string; doc: unknown }> {
  if (!existsSync(`${SPEC_DIR}conferencing.yml`)) throw new Error(`Telnyx spec not found in ${SPEC_DIR}`);
  parsed ??= readdirSync(SPEC_DIR).filter((f) => f.endsWith('.yml')).sort()
    .map((file) => ({ file, doc: parse(readFileSync(`${SPEC_DIR}${file}`, 'utf8')) as unknown }));
  return parsed;
}
