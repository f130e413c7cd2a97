/**
 * What a request that found no route is told, beyond "No route": the methods its path takes (405
 * with `Allow`), or the route or action name it most likely meant ("Did you mean `speak`?").
 * Both are derived from the app's own routes (Hono's route list) and the action tables the
 * action routes dispatch on, never from a hand list; both name only route words, never anything
 * an account stored, so no account learns about another's data.
 */
import { CALL_ACTIONS } from '../commands/calls.js';
import { CONFERENCE_ACTIONS } from '../commands/conferences.js';
import { editDistance, tolerance } from '../model/suggest.js';

/** A route as Hono lists it (`app.routes`). */
export interface RouteEntry { method: string; path: string }

/** One route shape: its method and path segments (`:name` for a parameter). */
interface Shape { method: string; segments: string[] }

/**
 * What a parameter segment takes: any non-empty value, or, for `:name{pattern}`, only what the
 * pattern takes — as the router does (/v2/phone_numbers/jobs is no phone number's id).
 */
const patterns = new Map<string, RegExp | null>();
function takes(segment: string, value: string): boolean {
  if (value === '') return false;
  let re = patterns.get(segment);
  if (re === undefined) {
    const m = /^:[^{]+\{(.+)\}$/.exec(segment);
    patterns.set(segment, re = m ? new RegExp(`^(?:${m[1]})$`) : null);
  }
  return re === null || re.test(value);
}

/**
 * The routes that take an action name as their last segment, and the names they serve: each
 * name is a route of its own for the hints (so `GET …/actions/speak` is a wrong method, and
 * `POST …/actions/speek` is a typo of `speak`).
 */
const ACTION_ROUTES: Record<string, ReadonlyMap<string, unknown>> = {
  '/v2/calls/:call_control_id/actions/:action': CALL_ACTIONS,
  '/v2/conferences/:id/actions/:action': CONFERENCE_ACTIONS,
};

/** The app's routes as shapes, read from Hono's list once, on the first request that needs them. */
export class KnownRoutes {
  private list?: Shape[];

  constructor(private readonly routes: () => readonly RouteEntry[]) {}

  shapes(): Shape[] {
    if (this.list) return this.list;
    const shapes: Shape[] = [];
    for (const { method, path } of this.routes()) {
      // Middleware (`use`, listed as ALL) and wildcards are no route a request can be told to take.
      if (method === 'ALL' || path.includes('*')) continue;
      const segments = segmentsOf(path);
      const actions = ACTION_ROUTES[path];
      if (actions) for (const name of actions.keys()) shapes.push({ method, segments: [...segments.slice(0, -1), name] });
      else shapes.push({ method, segments });
    }
    return (this.list = shapes);
  }
}

/** `strict: false` routing: `/v2/calls/` is `/v2/calls`. */
const segmentsOf = (path: string) => path.replace(/\/+$/, '').split('/').slice(1);

const isParam = (segment: string) => segment.startsWith(':');

function matches(shape: Shape, segments: string[]): boolean {
  return shape.segments.length === segments.length
    && shape.segments.every((s, i) => (isParam(s) ? takes(s, segments[i]) : s === segments[i]));
}

/**
 * The methods `path` takes when it is a known path and `method` is not one of them (the answer is
 * then 405 with these in `Allow`); undefined otherwise. HEAD goes wherever GET does (Hono answers
 * HEAD with the GET route).
 */
export function allowedMethods(routes: KnownRoutes, method: string, path: string): string[] | undefined {
  const segments = segmentsOf(path);
  const allowed = new Set(routes.shapes().filter((s) => matches(s, segments)).map((s) => s.method));
  if (allowed.size === 0 || allowed.has(method)) return undefined;
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort();
}

/** What a missing word costs, against edits within words: a typo in one word is nearer. */
const MISSING_WORD = 2;

/**
 * How far `given` is from a route's segments, word by word (each word within the suggester's
 * tolerance of its typo; a parameter takes any non-empty value), and which words differ; undefined
 * when some word is too far.
 */
function nearness(route: string[], given: string[]): { distance: number; differing: number } | undefined {
  if (route.length !== given.length) return undefined;
  let distance = 0;
  let differing = 0;
  for (let i = 0; i < route.length; i++) {
    const s = route[i];
    if (isParam(s) ? takes(s, given[i]) : s === given[i]) continue;
    if (isParam(s)) return undefined;
    const d = editDistance(given[i].toLowerCase(), s);
    if (d > tolerance(given[i])) return undefined;
    distance += d;
    differing++;
  }
  return { distance, differing };
}

/**
 * "Did you mean": the known route nearest the request's path, with a word or two misspelt or one
 * route word left out (`/v2/calls/{id}/speak`), as the text to show: the one word that differs
 * (`speak`), else the whole path with the request's own parameter values, with the method when the
 * route takes another one. Undefined when nothing is near.
 */
export function suggestRoute(routes: KnownRoutes, method: string, path: string): string | undefined {
  const given = segmentsOf(path);
  let best: { shape: Shape; distance: number; word?: string; missing?: number } | undefined;
  const consider = (shape: Shape, distance: number, word?: string, missing?: number) => {
    // Nearest first; between equals, a route that takes the request's method.
    if (!best || distance < best.distance || (distance === best.distance && shape.method === method && best.shape.method !== method)) {
      best = { shape, distance, word, missing };
    }
  };
  for (const shape of routes.shapes()) {
    const route = shape.segments;
    if (route.length === given.length) {
      const near = nearness(route, given);
      if (!near || near.differing === 0) continue;
      const word = near.differing === 1 ? route.find((s, i) => s !== given[i] && !isParam(s)) : undefined;
      consider(shape, near.distance, word);
    } else if (route.length === given.length + 1) {
      // A word left out inside the path; one missing at its end would be a guess at what was meant.
      for (let k = 0; k < route.length - 1; k++) {
        if (isParam(route[k])) continue;
        const rest = [...route.slice(0, k), ...route.slice(k + 1)];
        // The request must end on a route word (`…/hangup`), not on what a parameter would take
        // whatever it is: `/v2/nothing-here` is no `/v2/conferences/{id}`.
        if (isParam(rest[rest.length - 1])) continue;
        // Every other word as the route has it: a word left out and another misspelt is too far a guess.
        const near = nearness(rest, given);
        if (near?.differing === 0) consider(shape, MISSING_WORD, undefined, k);
      }
    }
  }
  if (!best) return undefined;
  const { shape, word, missing } = best as { shape: Shape; word?: string; missing?: number };
  if (shape.method === method && word !== undefined) return word;
  // The route's words, and the request's own values where the route takes a parameter.
  const valueAt = (i: number) => given[missing !== undefined && i > missing ? i - 1 : i];
  const fixed = `/${shape.segments.map((s, i) => (isParam(s) ? valueAt(i) : s)).join('/')}`;
  return shape.method === method ? fixed : `${shape.method} ${fixed}`;
}
