/**
 * What Telnyx's spec has that the emulator does not serve (messaging, numbers search, SIM cards …):
 * a request to one of those operations answers 422 "not emulated" naming it, where it would
 * otherwise answer 404 "No route", so the app's log says what happened. The operations come from
 * the vendored spec (spec-operations.json: [method, path template, operationId, summary] each, generated
 * by scripts/spec-operations.mjs), loaded on the
 * first request that matches no route: start-up reads none of it.
 */
interface Template { regex: RegExp; path: string; operationId: string; summary: string; literals: number }

let index: Promise<Map<string, Template[]>> | undefined;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function load(): Promise<Map<string, Template[]>> {
  const { default: operations } = await import('./spec-operations.json', { with: { type: 'json' } }) as
    { default: Array<[string, string, string, string]> };
  const byMethod = new Map<string, Template[]>();
  for (const [method, path, operationId, summary] of operations) {
    const segments = path.split('/').slice(1);
    // A path parameter is one segment ({id}); a segment may mix text and parameters ({id}.json).
    const regex = new RegExp(`^/${segments.map((s) => s.split(/\{[^}]+\}/).map(escape).join('[^/]+')).join('/')}$`);
    const literals = segments.filter((s) => !s.includes('{')).length;
    if (!byMethod.has(method)) byMethod.set(method, []);
    byMethod.get(method)!.push({ regex, path, operationId, summary, literals });
  }
  // The most literal template first: /phone_numbers/jobs before /phone_numbers/{id}.
  for (const list of byMethod.values()) list.sort((a, b) => b.literals - a.literals);
  return byMethod;
}

export interface SpecOperation { method: string; path: string; operationId: string; summary: string }

/** The spec's operation a request under /v2 names, if any (`path` without the /v2 prefix). */
export async function specOperation(method: string, path: string): Promise<SpecOperation | undefined> {
  index ??= load();
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const found = (await index).get(method)?.find((t) => t.regex.test(trimmed));
  return found && { method, path: found.path, operationId: found.operationId, summary: found.summary };
}
