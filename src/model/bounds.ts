/**
 * Bounds on every input, whatever the door (HTTP, startMock(), scenarios, the CLI): no input can
 * make one request hold the event loop or the heap. README's "Limits" section lists them all.
 * Plain data and pure functions, so every room can use them.
 */
/** Bodies and scenario texts beyond this many bytes are refused with 413 (counted as read, chunked or not). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Deepest JSON/YAML nesting taken: Telnyx's deepest bodies are a few levels; 10,000 levels broke serialisers. */
export const MAX_DEPTH = 32;

/**
 * The JSON pointer of the first value nested deeper than `max` levels (the top object is level 1),
 * or undefined. Iterative, so arbitrarily deep input cannot overflow the stack here.
 */
export function tooDeepAt(value: unknown, max = MAX_DEPTH): string | undefined {
  type Node = { v: unknown; depth: number; parent?: Node; key?: string };
  const stack: Node[] = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.v === null || typeof node.v !== 'object') continue;
    if (node.depth > max) {
      const keys: string[] = [];
      for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.push(n.key.replace(/~/g, '~0').replace(/\//g, '~1'));
      return `/${keys.reverse().join('/')}`;
    }
    for (const [key, v] of Object.entries(node.v)) {
      if (v !== null && typeof v === 'object') stack.push({ v, depth: node.depth + 1, parent: node, key });
    }
  }
  return undefined;
}

/** Cheap first look at JSON text: fewer brackets than the limit cannot nest past it. */
export function mayBeTooDeep(text: string, max = MAX_DEPTH): boolean {
  let brackets = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if ((ch === 123 || ch === 91) && ++brackets > max) return true; // { [
  }
  return false;
}

