/**
 * The snapshot document's text (commands/snapshot.ts builds the document): one stable form, so an
 * export, imported into a fresh server and exported again, is the same bytes. Ordering rules: keys
 * of the document, of each account and of each row sorted; accounts by key; tables by name; rows
 * by primary key (store/snapshot.ts). A JSON column's value keeps its own key order, as stored.
 */

/** The document as text: two-space indented, keys in the order above, a final newline. */
export function snapshotText(doc: unknown): string {
  return `${JSON.stringify(sortedTop(doc, 0), null, 2)}\n`;
}

/**
 * Sorts object keys down to the rows (depth: document 0, account 1, tables 2, row 3 is inside an
 * array); below a row's own keys (a JSON column's value) the order is left as stored.
 */
function sortedTop(v: unknown, depth: number): unknown {
  if (Array.isArray(v)) return v.map((x) => sortedTop(x, depth));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) {
    const value = (v as Record<string, unknown>)[key];
    // A row's values (depth 3) are columns: a JSON column's object stays as it is.
    out[key] = depth >= 3 ? value : sortedTop(value, depth + 1);
  }
  return out;
}
