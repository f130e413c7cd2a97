import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { TelnyxError, errors } from '../model/errors.js';
import { specOperation } from './not-emulated.js';
import { allowedMethods, suggestRoute, type KnownRoutes } from './route-hints.js';

/** Telnyx's error body: `{ errors: [{ code, title, detail, source: { pointer }, meta: { url } }] }`. */
export function errorBody(err: TelnyxError) {
  // Query-string errors name the parameter; body errors a JSON pointer.
  const source = err.pointer === undefined ? undefined
    : err.pointer.startsWith('/') ? { pointer: err.pointer } : { parameter: err.pointer };
  return {
    errors: [{
      code: err.code, title: err.title, detail: err.detail, ...(source ? { source } : {}),
      meta: { url: `https://developers.telnyx.com/docs/overview/errors/${err.code}` },
    }],
  };
}

export function errorResponse(c: Context, err: TelnyxError) {
  return c.json(errorBody(err), err.status as ContentfulStatusCode);
}

/** The one place where every error becomes Telnyx's shape. */
export function onError(err: Error, c: Context) {
  if (err instanceof TelnyxError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    return c.json(errorBody(errors.badRequest(err.message || 'Bad request.')), err.status as ContentfulStatusCode);
  }
  console.error(err);
  return errorResponse(c, errors.internal());
}

/**
/**
 * No route matched. In order: an operation of Telnyx's spec we do not serve ("not emulated", naming
 * it), a known path asked with a wrong method (405 + Allow), a near miss of a route or action name
 * ("did you mean"), else "No route". `routes` are the app's own (app.ts). A spec operation is named
 * before any 405 or guess, so a real Telnyx path is never "corrected" into one of ours
 * (test/api/route-hints.test.ts and not-emulated.test.ts walk them all).
 */
export async function notFound(c: Context, routes?: KnownRoutes) {
  const { method, path } = c.req;
  const op = path.startsWith('/v2/') ? await specOperation(method, path.slice(3)) : undefined;
  const allowed = routes && !op ? allowedMethods(routes, method, path) : undefined;
  if (allowed) {
    c.header('Allow', allowed.join(', '));
    return errorResponse(c, errors.methodNotAllowed(method, path, allowed));
  }
  if (op) return errorResponse(c, errors.operationNotEmulated(op));
  const guess = routes ? suggestRoute(routes, method, path) : undefined;
  return errorResponse(c, errors.noRoute(method, path, guess));
}
