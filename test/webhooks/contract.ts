/**
 * The two contracts a webhook payload is checked against, read from their sources at test time:
 * the `webhooks:` entries of Telnyx's spec (spec/telnyx-openapi/conferencing.yml, vendored) and the
 * payload interfaces of the official SDK (node_modules/telnyx/resources/webhooks.d.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { specDocuments } from '../support/spec-files.js';

type Schema = {
  $ref?: string; type?: string | string[]; enum?: unknown[]; format?: string; nullable?: boolean;
  properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
};

type SpecFile = {
  webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: Schema } } } } }>;
  components: { schemas: Record<string, Schema> };
};
// conferencing.yml and the subsets vendored beside it (call-control.yml: call-level media; transfer-and-recording.yml),
// all from one commit of the spec, so a component two of them carry is the same node.
const spec: SpecFile = { webhooks: {}, components: { schemas: {} } };
for (const { doc } of specDocuments()) {
  const part = doc as SpecFile;
  Object.assign(spec.webhooks, part.webhooks);
  Object.assign(spec.components.schemas, part.components?.schemas);
}

function resolve(s: Schema): Schema {
  let out = s;
  while (out.$ref) out = spec.components.schemas[out.$ref.split('/').pop()!];
  return out;
}

/** event_type → the spec's schema for `data` (record_type, event_type, id, occurred_at, payload). */
const specEvents = new Map<string, Schema>();
for (const hook of Object.values(spec.webhooks)) {
  const event = resolve(hook.post.requestBody.content['application/json'].schema);
  // Every event is `{ data: … }` except ConferenceFloorChangedEvent, documented unwrapped.
  const data = event.properties?.data ? resolve(event.properties.data) : event;
  const type = resolve(data.properties!.event_type).enum![0] as string;
  specEvents.set(type, data);
}

export const specEventTypes = () => [...specEvents.keys()];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A small JSON-schema check: types, enums, formats, and no field the schema does not name. */
function check(value: unknown, schema: Schema, path: string, errors: string[]): void {
  const s = resolve(schema);
  for (const sub of s.allOf ?? []) check(value, sub, path, errors);
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (value === null) {
    if (!s.nullable && !types.includes('null')) errors.push(`${path}: null where the schema says ${types.join('|')}`);
    return;
  }
  const actual = Array.isArray(value) ? 'array'
    : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    errors.push(`${path}: ${actual} where the schema says ${types.join('|')}`);
    return;
  }
  if (s.enum && !s.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`);
  if (typeof value === 'string' && s.format === 'date-time' && !ISO.test(value)) errors.push(`${path}: not a date-time: ${value}`);
  if (typeof value === 'string' && s.format === 'uuid' && !UUID.test(value)) errors.push(`${path}: not a uuid: ${value}`);
  if (actual === 'array' && s.items) (value as unknown[]).forEach((v, i) => check(v, s.items!, `${path}[${i}]`, errors));
  if (actual === 'object' && s.properties) {
    for (const [k, v] of Object.entries(value as object)) {
      if (s.properties[k]) check(v, s.properties[k], `${path}.${k}`, errors);
      else if (s.additionalProperties === undefined || s.additionalProperties === false) errors.push(`${path}.${k}: not in the schema`);
    }
  }
}

/** Problems of one delivered `data` against the spec's event schema (empty when it conforms). */
export function specProblems(data: { event_type: string; payload: unknown } & Record<string, unknown>): string[] {
  const schema = specEvents.get(data.event_type);
  if (!schema) return [`${data.event_type}: no webhook in the spec`];
  const errors: string[] = [];
  const { payload, ...envelope } = data;
  // The envelope is the same for every event (TELNYX-SEMANTICS.md, "Envelope"), floor.changed included.
  if (envelope.record_type !== 'event') errors.push('data.record_type is not "event"');
  if (typeof envelope.id !== 'string' || !UUID.test(envelope.id)) errors.push('data.id is not a uuid');
  if (typeof envelope.occurred_at !== 'string' || !ISO.test(envelope.occurred_at)) errors.push('data.occurred_at is not a date-time');
  check(payload, schema.properties!.payload, `${data.event_type}.payload`, errors);
  return errors;
}

// The SDK: each `export interface X { … event_type?: 'type'; … payload?: X.Payload; }` and its
// `export declare namespace X { interface Payload { field?: type; … } }`.
const require = createRequire(import.meta.url);
const dts = readFileSync(join(dirname(require.resolve('telnyx')), 'resources', 'webhooks.d.ts'), 'utf8');

function block(src: string, start: number): string {
  let depth = 0;
  for (let i = src.indexOf('{', start); i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(start, i + 1);
  }
  throw new Error('unbalanced braces in webhooks.d.ts');
}

const sdkEvents = new Map<string, Map<string, string>>();
for (const m of dts.matchAll(/^export interface (\w+) \{/gm)) {
  const body = block(dts, m.index!);
  const type = /^ {4}event_type\?: '([\w.]+)';$/m.exec(body)?.[1];
  if (!type || !/^ {4}payload\?: \w+\.Payload;$/m.test(body) || sdkEvents.has(type)) continue;
  const ns = dts.indexOf(`export declare namespace ${m[1]} {`);
  if (ns < 0) continue;
  const nsBody = block(dts, ns);
  const payload = block(nsBody, nsBody.indexOf('interface Payload {'));
  const fields = new Map<string, string>();
  for (const f of payload.matchAll(/^ {8}(\w+)\?: (.+);$/gm)) fields.set(f[1], f[2]);
  sdkEvents.set(type, fields);
}

function sdkTypeAccepts(tsType: string, value: unknown): boolean {
  return tsType.split(' | ').some((t) => {
    if (t === 'null') return value === null;
    if (t === 'string') return typeof value === 'string';
    if (t === 'number') return typeof value === 'number';
    if (t === 'boolean') return typeof value === 'boolean';
    if (/^'.*'$/.test(t)) return value === t.slice(1, -1);
    if (t.startsWith('Array<')) return Array.isArray(value);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  });
}

/** Problems of one payload against the SDK's payload interface for its event type. */
export function sdkProblems(eventType: string, payload: Record<string, unknown>): string[] {
  const fields = sdkEvents.get(eventType);
  if (!fields) return [`${eventType}: no payload type in the SDK`];
  const errors: string[] = [];
  for (const [k, v] of Object.entries(payload)) {
    const t = fields.get(k);
    if (!t) errors.push(`${eventType}.payload.${k}: not in the SDK type`);
    else if (!sdkTypeAccepts(t, v)) errors.push(`${eventType}.payload.${k}: ${JSON.stringify(v)} is not ${t}`);
  }
  return errors;
}

export const sdkHasEvent = (eventType: string) => sdkEvents.has(eventType);

/**
 * One conference.ended difference from the spec and SDK enums: ending through the API reports
 * `ended_via_api`, the value the Conference resource's own `end_reason` enum has for it.
 */
const KNOWN_DIFFERENCE = /^conference\.ended\.payload\.reason: "ended_via_api"/;

/** What a webhook's `data` breaks of the spec's callback schema and the SDK's payload type. */
export function conformanceProblems(d: { json: { data: { event_type: string; payload: Record<string, unknown> } } }): string[] {
  const { data } = d.json;
  const problems = [
    // Every event type sent has a spec entry now (call-control.yml adds call.dtmf.received, call.transcription).
    ...(specEventTypes().includes(data.event_type) ? specProblems(data as never) : []),
    ...sdkProblems(data.event_type, data.payload),
  ];
  return problems.filter((p) => !KNOWN_DIFFERENCE.test(p));
}
