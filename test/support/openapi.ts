import { specDocuments } from './spec-files.js';

type Schema = Record<string, unknown>;

type Spec = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> }; webhooks?: Record<string, Schema> };

/**
 * Telnyx's own spec, as the subsets vendored in spec/telnyx-openapi (see its README.md for the
 * origin): conferencing.yml and the subsets added beside it, merged (all are copied from one
 * commit of the spec, so a component two of them carry is the same node).
 */
export function loadSpec(): Spec {
  const merged: Spec = { paths: {}, components: { schemas: {} }, webhooks: {} };
  for (const { doc } of specDocuments()) {
    const part = doc as Spec;
    Object.assign(merged.paths, part.paths);
    Object.assign(merged.webhooks!, part.webhooks);
    Object.assign(merged.components.schemas, part.components?.schemas);
  }
  return merged;
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
  if (value === null) return schema.nullable || schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null')) ? [] : [`${at}: null`];
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
