import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { TelnyxError, errors } from '../model/errors.js';
import { specOperation } from './not-emulated.js';

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
 * No route matched: an operation of Telnyx's spec answers "not emulated" naming it; anything else
 * (a typo, a path Telnyx does not have) "No route".
 */
export async function notFound(c: Context) {
  const path = c.req.path;
  const op = path.startsWith('/v2/') ? await specOperation(c.req.method, path.slice(3)) : undefined;
  return errorResponse(c, op ? errors.operationNotEmulated(op) : errors.noRoute(c.req.method, path));
}
