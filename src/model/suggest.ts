/**
 * "Did you mean": the known word nearest a typo, when it is near enough to be what was meant.
 * One suggester for every message that names a fix (scenario steps and fields, route and action
 * names), so they all agree on what counts as near.
 */

/** The most edits a word of this length may be off by and still be suggested. */
export function tolerance(word: string): number {
  return Math.max(2, Math.floor(word.length / 3));
}

/** The option nearest `word` (compared in lower case), if within tolerance(word) edits. */
export function closest(word: string, options: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = tolerance(word) + 1;
  const lower = word.toLowerCase();
  for (const option of options) {
    const d = editDistance(lower, option);
    if (d < bestDistance) { best = option; bestDistance = d; }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions, each counting one. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
