import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rooms of src/ stay apart by rule, checked here rather than by review:
 * doors decode, call a command and encode; the domain declares the store port it needs and never
 * sees its implementation; all SQL lives in src/store/.
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
    spec.startsWith('.') ? relative(root, resolve(dirname(path), spec)).replace(/\.js$/, '.ts') : spec);
  return { file: relative(root, path), text, imports };
});

const inRoom = (room: string) => (file: string) => file.startsWith(`src/${room}/`);
const violations = (from: (file: string) => boolean, to: (target: string) => boolean) =>
  sources.filter((s) => from(s.file)).flatMap((s) => s.imports.filter(to).map((t) => `${s.file} → ${t}`));

/** The doors: what turns HTTP, a library call, a scenario file or a command line into commands. */
const door = (file: string) => ['routes', 'http', 'scenario', 'console'].some((room) => inRoom(room)(file))
  || file === 'src/lib.ts' || file === 'src/cli.ts';

describe('the rooms of src/', () => {
  it('finds the sources it checks', () => {
    expect(sources.length).toBeGreaterThan(30);
    expect(sources.find((s) => s.file === 'src/routes/conferences.ts')?.imports).toContain('src/commands/conferences.ts');
  });

  it('doors reach neither the store nor the domain: they call commands', () => {
    expect(violations(door, (t) => inRoom('store')(t) || inRoom('domain')(t))).toEqual([]);
  });

  it('the domain imports no store implementation, HTTP, commands or doors', () => {
    expect(violations(inRoom('domain'), (t) => ['store', 'http', 'routes', 'commands', 'scenario', 'control'].some((r) => inRoom(r)(t))
      || t === 'hono' || t.startsWith('hono/') || t.startsWith('drizzle-orm') || t === 'better-sqlite3')).toEqual([]);
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

  it('the model (entities and the error catalogue) depends on nothing else in src/', () => {
    expect(violations(inRoom('model'), (t) => t.startsWith('src/'))).toEqual([]);
  });

  it('error codes are written only in the catalogue', () => {
    const coded = sources.filter((s) => s.file !== 'src/model/errors.ts' && /'\d{5}'/.test(s.text)).map((s) => s.file);
    expect(coded).toEqual([]);
  });

  it('rooms do not import each other in a circle', () => {
    const room = (file: string) => (file.startsWith('src/') ? file.split('/').slice(0, file.split('/').length > 2 ? 2 : 1).join('/') : null);
    const edges = new Map<string, Set<string>>();
    for (const s of sources) {
      const from = room(s.file)!;
      for (const t of s.imports) {
        const to = room(t);
        if (to && to !== from && to.startsWith('src/') && !['src/server.ts', 'src/index.ts'].includes(from)) {
          if (!edges.has(from)) edges.set(from, new Set());
          edges.get(from)!.add(to);
        }
      }
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) { cycles.push([...path.slice(path.indexOf(node)), node].join(' → ')); return; }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
