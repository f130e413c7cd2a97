import type { Context } from 'hono';
import { errors } from '../model/errors.js';
import { intParam } from '../commands/schema.js';
import type { Page } from '../model/entities.js';

/** page[size] as Telnyx's spec bounds it. */
export const MAX_PAGE_SIZE = 250;
const DEFAULT_PAGE_SIZE = 20;

/**
 * An integer query parameter, the first of `names` present, within [min, max]; out of range is a
 * 422 naming the parameter (`source.parameter`).
 */
export function intQuery(c: Context, names: string | string[], min: number, max: number): number | undefined {
  for (const name of typeof names === 'string' ? [names] : names) {
    const n = intParam(name, c.req.query(name), min, max);
    if (n !== undefined) return n;
  }
  return undefined;
}

/**
 * Telnyx pagination: `page[number]` / `page[size]`, and the flat `page_number` / `page_size` that
 * the official Ruby SDK's auto-pagination sends for page 2+ (without them it loops forever).
 */
export function readPage(c: Context, defaultSize = DEFAULT_PAGE_SIZE): Page {
  return {
    number: intQuery(c, ['page[number]', 'page_number'], 1, 1_000_000) ?? 1,
    size: intQuery(c, ['page[size]', 'page_size'], 1, MAX_PAGE_SIZE) ?? defaultSize,
  };
}

/**
 * The control API's lists page the same way, a full page (MAX_PAGE_SIZE) by default: a test reading
 * a short log gets all of it at once, and no log, however long, is one response.
 */
export const readControlPage = (c: Context): Page => readPage(c, MAX_PAGE_SIZE);

/** One page of rows already in memory (short per-account lists: numbers, faults). */
export function pageOf<T>(rows: T[], page: Page): { rows: T[]; total: number } {
  const start = (page.number - 1) * page.size;
  return { rows: rows.slice(start, start + page.size), total: rows.length };
}

export function pageMeta(page: Page, total: number) {
  return {
    page_number: page.number,
    page_size: page.size,
    total_pages: Math.ceil(total / page.size),
    total_results: total,
  };
}

/** A boolean filter such as `filter[muted]=true`. */
export function boolQuery(c: Context, name: string): boolean | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw errors.paramInvalid(name, `The '${name}' filter must be true or false.`);
}
