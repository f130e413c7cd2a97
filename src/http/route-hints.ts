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
    && shape.segments.every((s, i) => (isParam(s) ? segments[i] !== '' : s === segments[i]));
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

/**
 * "Did you mean": the known route nearest the request's path, segment by segment (each word within
 * the suggester's tolerance of its typo; parameters take the request's own values), as the text to
 * show: the one word that differs (`speak`), else the whole path, with the method when the route
 * takes another one. Undefined when nothing is near.
 */
export function suggestRoute(routes: KnownRoutes, method: string, path: string): string | undefined {
  const segments = segmentsOf(path);
  let best: { shape: Shape; distance: number; differing: number[] } | undefined;
  for (const shape of routes.shapes()) {
    if (shape.segments.length !== segments.length) continue;
    let distance = 0;
    const differing: number[] = [];
    const near = shape.segments.every((s, i) => {
      const given = segments[i];
      if (isParam(s)) return given !== '';
      if (s === given) return true;
      const d = editDistance(given.toLowerCase(), s);
      if (d > tolerance(given)) return false;
      distance += d;
      differing.push(i);
      return true;
    });
    if (!near || differing.length === 0) continue;
    // Nearest first; between equals, a route that takes the request's method.
    if (!best || distance < best.distance || (distance === best.distance && shape.method === method && best.shape.method !== method)) {
      best = { shape, distance, differing };
    }
  }
  if (!best) return undefined;
  const { shape, differing } = best;
  if (shape.method === method && differing.length === 1) return shape.segments[differing[0]];
  const fixed = `/${shape.segments.map((s, i) => (isParam(s) ? segments[i] : s)).join('/')}`;
  return shape.method === method ? fixed : `${shape.method} ${fixed}`;
}
