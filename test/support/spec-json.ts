import { readFileSync } from 'node:fs';
import { SPEC_DIR } from './spec-files.js';
import { validate } from './openapi.js';

type Schema = Record<string, unknown>;
interface JsonSubset {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * A JSON subset of Telnyx's spec vendored in spec/telnyx-openapi (made by scripts/spec-subset.mjs;
 * the *.yml loaders leave it alone), with a check of an answer against an operation's success schema:
 * openapi.ts's `validate`, plus no key the schema does not name (Telnyx's exact shape, nothing more).
 */
export function jsonSubset(file: string) {
  const spec = JSON.parse(readFileSync(`${SPEC_DIR}${file}`, 'utf8')) as JsonSubset;
  const resolve = (s: Schema): Schema => (s.$ref ? resolve(spec.components.schemas[String(s.$ref).split('/').pop()!]) : s);
  function extraKeys(schema: Schema, value: unknown, at: string): string[] {
    const s = resolve(schema);
    if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => extraKeys(s.items as Schema, v, `${at}[${i}]`)) : [];
    if (!value || typeof value !== 'object' || !s.properties || s.additionalProperties) return [];
    const props = s.properties as Record<string, Schema>;
    return Object.entries(value).flatMap(([k, v]) => (k in props ? extraKeys(props[k], v, `${at}.${k}`) : [`${at}.${k}: not in the schema`]));
  }
  /** The schema of `method path`'s success answer (its 2xx, as JSON). */
  const success = (method: string, path: string): Schema => {
    const responses = spec.paths[path][method.toLowerCase()].responses;
    const code = Object.keys(responses).find((c) => c.startsWith('2'))!;
    return responses[code].content!['application/json'].schema;
  };
  return {
    spec,
    /** What of `body` does not match `method path`'s success schema (empty: it conforms). */
    problems: (method: string, path: string, body: unknown) => {
      const schema = success(method, path);
      return [...validate(spec as never, schema, body), ...extraKeys(schema, body, '$')];
    },
  };
}
