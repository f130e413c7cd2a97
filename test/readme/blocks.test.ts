import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anchorsOf, blocksOf, relativeLinks } from './blocks.js';

/** How the docs' code blocks, markers, links and anchors are read (the README test builds on it). */
const dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function md(text: string) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(file, text);
  return file;
}

describe('blocksOf', () => {
  it('reads each fenced block with its language, line and the marker on the line before it', () => {
    const file = md([
      '# Title', '', '<!-- run id=setup -->', '```sh', 'KEY=1', '```', 'text',
      '<!-- run uses=setup own-server -->', '```sh', 'echo $KEY', '```',
      '<!-- run app needs=wait -->', '```ts', 'await 1;', '```',
      '<!-- no-run: needs Docker -->', '```sh', 'docker run x', '```',
      '```ruby', 'puts 1', '```', '````md', '```sh', 'inside', '```', '````',
    ].join('\n'));
    const blocks = blocksOf('X.md', file);
    expect(blocks.map((b) => [b.line, b.lang, b.text])).toEqual([
      [4, 'sh', 'KEY=1'], [9, 'sh', 'echo $KEY'], [13, 'ts', 'await 1;'], [17, 'sh', 'docker run x'],
      [20, 'ruby', 'puts 1'], [23, 'md', '```sh\ninside\n```'],
    ]);
    expect(blocks[0].run).toEqual({ id: 'setup', uses: [], ownServer: false, app: false, needs: undefined });
    expect(blocks[1].run).toEqual({ id: undefined, uses: ['setup'], ownServer: true, app: false, needs: undefined });
    expect(blocks[2].run).toMatchObject({ app: true, needs: 'wait' });
    expect([blocks[3].run, blocks[3].noRun]).toEqual([undefined, 'needs Docker']);
    expect([blocks[4].run, blocks[4].noRun]).toEqual([undefined, undefined]);
  });

  it('refuses an unknown run option and a fence never closed, naming the line', () => {
    expect(() => blocksOf('X.md', md('<!-- run own_server -->\n```sh\nx\n```'))).toThrow('X.md:1: unknown run option own_server');
    expect(() => blocksOf('X.md', md('text\n```sh\nx\n'))).toThrow('X.md:2: a code fence that is never closed');
  });
});

describe('links and anchors', () => {
  it('lists relative links outside code, and GitHub-style anchors for headings', () => {
    const file = md([
      '# Webhook deliveries (`/v2/webhook_deliveries`)', '## Start in the background', '## Start in the background',
      'See [ci](docs/ci.md#pin-the-signing-key), [web](https://example.com), ![img](docs/x.png) and `[no](code.md)`.',
      '```sh', '[not](a-link.md)', '```',
    ].join('\n'));
    expect(relativeLinks(file)).toEqual([{ line: 4, target: 'docs/ci.md#pin-the-signing-key' }, { line: 4, target: 'docs/x.png' }]);
    expect([...anchorsOf(file)]).toEqual([
      'webhook-deliveries-v2webhook_deliveries', 'start-in-the-background', 'start-in-the-background-1',
    ]);
  });
});
