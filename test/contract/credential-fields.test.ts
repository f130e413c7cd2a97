import { describe, expect, it } from 'vitest';
import { CREDENTIAL_BODIES } from '../../src/commands/credentials.js';
import { jsonSubset } from '../support/spec-json.js';

/**
 * The bodies of outbound voice profiles, credential connections and telephony credentials declare
 * exactly the fields of the spec's request schemas (spec/telnyx-openapi/credentials.json), and so
 * do the nested objects they read (`inbound`, `outbound`, `call_recording` …), as
 * request-fields.test.ts holds the call and conference bodies to theirs.
 */
type Node = Record<string, unknown>;
const { spec } = jsonSubset('credentials.json');
const resolve = (s: Node | undefined): Node | undefined => {
  let node = s;
  while (node?.$ref) node = spec.components.schemas[String(node.$ref).split('/').pop()!];
  return node;
};
const propertiesOf = (s: Node | undefined) => Object.keys((resolve(s)?.properties as Node | undefined) ?? {}).sort();

const withBodies = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([method, op]) => {
  const schema = (((op as Node).requestBody as Node | undefined)?.content as Record<string, { schema: Node }> | undefined)?.['application/json']?.schema;
  return schema ? [{ key: `${method.toUpperCase()} ${path}`, schema }] : [];
}));

describe('provisioning request bodies against the spec', () => {
  it('has a body for every operation of the subset that takes one', () => {
    expect(withBodies.map((o) => o.key).sort()).toEqual(Object.keys(CREDENTIAL_BODIES).sort());
  });

  for (const { key, schema } of withBodies) {
    it(`${key} declares the spec's fields, and each nested object its schema's`, () => {
      const declared = CREDENTIAL_BODIES[key as keyof typeof CREDENTIAL_BODIES];
      expect([...declared.body.fields].sort()).toEqual(propertiesOf(schema));
      const properties = resolve(schema)!.properties as Record<string, Node>;
      const objects = Object.keys(properties).filter((name) => resolve(properties[name])?.properties).sort();
      expect(Object.keys(declared.nested).sort()).toEqual(objects);
      for (const [name, body] of Object.entries(declared.nested)) {
        expect([...(body as { fields: readonly string[] }).fields].sort(), name).toEqual(propertiesOf(properties[name]));
      }
    });
  }
});
