import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rooms of src/ stay apart by rule, checked here rather than by review. A room is a folder
 * of src/ (src/domain/) or a file at its top (src/clock.ts); inside a folder each file is a room
 * too. The rules:
 * - no circle, among folders or among files;
 * - every import goes down the floors below (doors → commands → serialize → domain ← store …),
 *   never up and never sideways to a sibling on the same floor (webhooks/ beside commands/);
 * - the domain declares the store port it needs and never sees its implementation, HTTP or SQL;
 * - the lifecycle owns the call's cascade: the leg (call-leg.ts) imports no feature.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(path) ? [path] : [];
  });
}

interface Source { file: string; text: string; imports: string[] }

/** Every module specifier a file imports or re-exports (type-only imports included). */
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

const sources: Source[] = files(src).map((path) => {
  const text = readFileSync(path, 'utf8');
  const imports = [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]).map((spec) =>
    spec.startsWith('.') ? relative(root, resolve(dirname(path), spec)).replace(/\.js$/, '.ts') : spec)
    .map((t) => (t.endsWith('.ts') || !t.startsWith('src/') ? t : `${t}x`));
  return { file: relative(root, path), text, imports };
});

/** The room a file of src/ belongs to: its top folder, or itself when it sits at the top. */
const roomOf = (file: string) => file.split('/').slice(0, 2).join('/');
const inRoom = (room: string) => (file: string) => file.startsWith(`src/${room}/`);
const violations = (from: (file: string) => boolean, to: (target: string) => boolean) =>
  sources.filter((s) => from(s.file)).flatMap((s) => s.imports.filter(to).map((t) => `${s.file} → ${t}`));

/**
 * The floors, top to bottom. A room may import only rooms on lower floors: so siblings on one
 * floor know nothing of each other (webhooks/ sits beside commands/, neither above the other).
 */
const FLOORS: string[][] = [
  ['src/index.ts', 'src/cli.ts', 'src/lib.ts'],
  ['src/server.ts'],
  ['src/app.ts'],
  ['src/routes'],
  ['src/scenario', 'src/http', 'src/console'],
  ['src/commands', 'src/webhooks'],
  ['src/serialize'],
  ['src/store', 'src/control'],
  ['src/domain'],
  ['src/config.ts', 'src/waits.ts', 'src/media'],
  ['src/clock.ts', 'src/ids.ts', 'src/changes.ts', 'src/log.ts'],
  ['src/model'],
];
const floorOf = (room: string) => FLOORS.findIndex((rooms) => rooms.includes(room));

/** The doors: what turns HTTP, a library call, a scenario file or a command line into commands. */
const door = (file: string) => ['routes', 'http', 'scenario', 'console'].some((room) => inRoom(room)(file))
  || file === 'src/lib.ts' || file === 'src/cli.ts';

/** Every circle in a graph of rooms, each once (as the path from the first room met on it). */
function circles(edges: Map<string, Set<string>>): string[] {
  const found = new Set<string>();
  const done = new Set<string>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at !== -1) {
      const loop = path.slice(at);
      // One circle, whichever room it was entered by: named from its smallest room.
      const start = loop.indexOf([...loop].sort()[0]);
      found.add([...loop.slice(start), ...loop.slice(0, start), loop[start]].join(' → '));
      return;
    }
    if (done.has(node)) return;
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of [...edges.keys()].sort()) visit(node, []);
  return [...found].sort();
}

function graph(roomOfFile: (file: string) => string | null): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const s of sources) {
    const from = roomOfFile(s.file);
    if (!from) continue;
    for (const t of s.imports) {
      const to = t.startsWith('src/') ? roomOfFile(t) : null;
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

describe('the rooms of src/', () => {
  it('finds the sources it checks', () => {
    expect(sources.length).toBeGreaterThan(30);
    expect(sources.find((s) => s.file === 'src/routes/conferences.ts')?.imports).toContain('src/commands/conferences.ts');
  });

  it('knows the floor of every room', () => {
    const rooms = [...new Set(sources.map((s) => roomOf(s.file)))];
    expect(rooms.filter((r) => floorOf(r) === -1)).toEqual([]);
  });

  it('has no circle among folders and top files', () => {
    expect(circles(graph(roomOf))).toEqual([]);
  });

  it('has no circle among files', () => {
    expect(circles(graph((file) => file))).toEqual([]);
  });

  it('imports only from lower floors: none runs back up, none runs sideways to a sibling', () => {
    const wrong = sources.flatMap((s) => s.imports.filter((t) => t.startsWith('src/') && roomOf(t) !== roomOf(s.file))
      .filter((t) => floorOf(roomOf(t)) <= floorOf(roomOf(s.file)))
      .map((t) => `${s.file} → ${t}`));
    expect(wrong).toEqual([]);
  });

  it('doors reach neither the store nor the domain: they call commands', () => {
    expect(violations(door, (t) => inRoom('store')(t) || inRoom('domain')(t))).toEqual([]);
  });

  it('the domain imports no store implementation, HTTP, commands or doors', () => {
    expect(violations(inRoom('domain'), (t) => ['store', 'http', 'routes', 'commands', 'scenario', 'control', 'webhooks'].some((r) => inRoom(r)(t))
      || t === 'hono' || t.startsWith('hono/') || t.startsWith('drizzle-orm') || t === 'better-sqlite3')).toEqual([]);
  });

  it('the leg knows no feature: call-leg.ts imports nothing else of the domain but the port, events and context', () => {
    const leg = sources.find((s) => s.file === 'src/domain/call-leg.ts')!;
    expect(leg.imports.filter((t) => inRoom('domain')(t))
      .filter((t) => !['src/domain/context.ts', 'src/domain/store.ts', 'src/domain/events.ts'].includes(t))).toEqual([]);
  });

  it('only src/store/ talks to the database driver or query builder', () => {
    expect(violations((f) => !inRoom('store')(f), (t) => t.startsWith('drizzle-orm') || t === 'better-sqlite3')).toEqual([]);
  });

  it('only src/store/ writes SQL', () => {
    const sql = /\b(?:select|insert|update|delete)\b[\s\S]{0,80}?\b(?:from|into|set|where)\b/i;
    const statements = /\.prepare\(|\$client|\.pragma\(/;
    const writers = sources.filter((s) => !inRoom('store')(s.file))
      .filter((s) => statements.test(s.text) || s.text.split('\n').some((line) => /['`"]/.test(line) && sql.test(line) && !/^\s*(\*|\/\/)/.test(line)))
      .map((s) => s.file);
    expect(writers).toEqual([]);
  });

  it('the model (entities, the error catalogue, the webhook envelope) depends on nothing else in src/', () => {
    expect(violations(inRoom('model'), (t) => t.startsWith('src/') && !inRoom('model')(t))).toEqual([]);
  });

  it('error codes are written only in the catalogue', () => {
    const coded = sources.filter((s) => s.file !== 'src/model/errors.ts' && /'\d{5}'/.test(s.text)).map((s) => s.file);
    expect(coded).toEqual([]);
  });

  it('commands reach shared services through the bound account, not a locator', () => {
    // Only the place accounts are bound (commands/account.ts) holds the process-wide services.
    expect(sources.filter((s) => s.file !== 'src/commands/account.ts' && /\.services\b/.test(s.text)).map((s) => s.file)).toEqual([]);
  });
});
