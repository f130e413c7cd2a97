import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

/** Telnyx's own spec subset, vendored in spec/telnyx-openapi (see its README.md for the origin). */
export function loadSpec(): { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> }; webhooks?: Record<string, Schema> } {
  const path = fileURLToPath(new URL('../../spec/telnyx-openapi/conferencing.yml', import.meta.url));
  if (!existsSync(path)) throw new Error(`Telnyx spec not found at ${path}`);
  const spec = parse(readFileSync(path, 'utf8'));
  // call-control.yml: the call-level media operations and webhooks the conferencing subset lacks.
  const media = parse(readFileSync(fileURLToPath(new URL('../../spec/telnyx-openapi/call-control.yml', import.meta.url)), 'utf8'));
  Object.assign(spec.paths, media.paths);
  Object.assign(spec.webhooks, media.webhooks);
  Object.assign(spec.components.schemas, media.components.schemas);
  return spec;
}

/**
 * A small JSON-schema check (type, required, properties, enum, items, $ref, allOf/oneOf/anyOf),
 * enough to hold our responses to the spec's shapes. Returns the list of mismatches.
 */
export function validate(spec: ReturnType<typeof loadSpec>, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return validate(spec, spec.components.schemas[name], value, at);
  }
  if (schema.allOf) return (schema.allOf as Schema[]).flatMap((s) => validate(spec, s, value, at));
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (schema[key]) {
      const options = schema[key] as Schema[];
      return options.some((s) => validate(spec, s, value, at).length === 0) ? [] : [`${at}: matches none of ${key}`];
    }
  }
  if (value === null) return schema.nullable || (Array.isArray(schema.type) && schema.type.includes('null')) ? [] : [`${at}: null`];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const problems: string[] = [];
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) return [`${at}: expected ${type}, got ${actual}`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (type === 'array' && schema.items) {
    (value as unknown[]).forEach((v, i) => problems.push(...validate(spec, schema.items as Schema, v, `${at}[${i}]`)));
  }
  if (actual === 'object' && (schema.properties || schema.required)) {
    const obj = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in obj)) problems.push(`${at}.${r}: required`);
    for (const [k, s] of Object.entries((schema.properties as Record<string, Schema>) ?? {})) {
      if (obj[k] !== undefined) problems.push(...validate(spec, s, obj[k], `${at}.${k}`));
    }
  }
  return problems;
}
