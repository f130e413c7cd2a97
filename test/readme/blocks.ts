import { readFileSync } from 'node:fs';

/**
 * The fenced code blocks of a Markdown file and the marker each carries on the line before it.
 *
 * `<!-- run -->` before a shell or TypeScript block makes test/readme/readme.test.ts run it; its
 * options, space separated: `id=NAME` names a block that others build on, `uses=NAME` runs the
 * named block first in the same shell (its variables, its call), `own-server` runs it with no
 * server started for it (it starts its own), `app` has the fixtures' reference app listening
 * where the docs start it (127.0.0.1:4000, KEY_demo), `needs=FEATURE` skips it, naming the
 * feature it waits for. `<!-- no-run: REASON -->` says why a shell or TypeScript block is not run (it needs Docker,
 * your own app…). Blocks of languages the suite cannot run (Ruby, Python, Go, Java, output) need
 * no marker; YAML blocks are parsed.
 */
export interface Block {
  /** File the block is in, relative to the repository. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language (`sh`, `ts`, `yaml`, …; '' when none). */
  lang: string;
  text: string;
  /** Set by `<!-- run … -->`. */
  run?: { id?: string; uses: string[]; ownServer: boolean; app: boolean; needs?: string };
  /** Set by `<!-- no-run: … -->`. */
  noRun?: string;
}

const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;
const RUN = /^<!--\s*run\b(.*?)-->\s*$/;
const NO_RUN = /^<!--\s*no-run:\s*(.+?)\s*-->\s*$/;

export function blocksOf(file: string, path = file): Block[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(open[1]) && l.trim() === open[1]);
    if (end === -1) throw new Error(`${file}:${i + 1}: a code fence that is never closed`);
    const block: Block = { file, line: i + 1, lang: open[2], text: lines.slice(i + 1, end).join('\n') };
    const before = (lines[i - 1] ?? '').trim();
    const run = RUN.exec(before);
    if (run) {
      const opts = run[1].trim().split(/\s+/).filter(Boolean);
      const value = (name: string) => opts.filter((o) => o.startsWith(`${name}=`)).map((o) => o.slice(name.length + 1));
      const unknown = opts.filter((o) => !/^(id|uses|needs)=|^(own-server|app)$/.test(o));
      if (unknown.length) throw new Error(`${file}:${i}: unknown run option ${unknown.join(', ')}`);
      block.run = { id: value('id')[0], uses: value('uses'), ownServer: opts.includes('own-server'), app: opts.includes('app'), needs: value('needs')[0] };
    }
    const noRun = NO_RUN.exec(before);
    if (noRun) block.noRun = noRun[1];
    blocks.push(block);
    i = end;
  }
  return blocks;
}

/** Languages a marker is required for: the suite can run them, so not running one needs a reason. */
export const RUNNABLE = new Set(['sh', 'bash', 'shell', 'ts', 'typescript']);
export const isShell = (b: Block) => ['sh', 'bash', 'shell'].includes(b.lang);

/**
 * Languages the suite does not run, and why: each unmarked block must be one of these.
 * (The Ruby and Python SDKs are not installed here; Go and Java need toolchains and Docker.)
 */
export const NOT_RUN: Record<string, string> = {
  ruby: 'the Ruby SDK / a Ruby interpreter is not part of the hermetic suite',
  python: 'the Python SDK is not installed in the hermetic suite',
  go: 'needs a Go toolchain and a Docker engine (Testcontainers)',
  java: 'needs a JDK build and a Docker engine (Testcontainers)',
  yaml: 'parsed by the test, not run (CI files, scenarios)',
  yml: 'parsed by the test, not run (CI files, scenarios)',
  '': 'a layout or output sample, not code',
  text: 'a layout or output sample, not code',
  dockerfile: 'needs a Docker engine',
  http: 'a request shown on the wire',
  json: 'a JSON sample, parsed by the test',
};

/** Every relative link in a Markdown file: `[text](target)` outside code blocks and inline code. */
export function relativeLinks(path: string): Array<{ line: number; target: string }> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const links: Array<{ line: number; target: string }> = [];
  let fence: string | undefined;
  lines.forEach((l, i) => {
    const open = FENCE.exec(l);
    if (open && (!fence || l.trim() === fence)) { fence = fence ? undefined : open[1]; return; }
    if (fence) return;
    for (const m of l.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) links.push({ line: i + 1, target: m[1] });
    }
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
export function anchorsOf(path: string): Set<string> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fence: string | undefined;
  for (const l of lines) {
    const open = FENCE.exec(l);
    if (open && (!fence || l.trim() === fence)) { fence = fence ? undefined : open[1]; continue; }
    if (fence) continue;
    const h = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(l);
    if (!h) continue;
    const base = h[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}
