import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ErrorKind } from '../domain/errors.js';

/** Telnyx's error body: `{ errors: [{ code, title, detail, source: { pointer }, meta: { url } }] }`. */
export interface TelnyxError {
  code: string;
  title: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
  meta?: { url: string };
}

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  bad_request: 400, unauthorized: 401, not_found: 404, unprocessable: 422, payload_too_large: 413,
};

export function errorBody(e: TelnyxError) {
  return {
    errors: [{
      ...e,
      meta: e.meta ?? { url: `https://developers.telnyx.com/docs/overview/errors/${e.code}` },
    }],
  };
}

export function errorResponse(c: Context, status: ContentfulStatusCode, e: TelnyxError) {
  return c.json(errorBody(e), status);
}

/** Query-string errors name the parameter; body errors a JSON pointer. */
export function toTelnyx(err: DomainError): TelnyxError {
  const source = err.pointer === undefined ? undefined
    : err.pointer.startsWith('/') ? { pointer: err.pointer } : { parameter: err.pointer };
  return { code: err.code, title: err.title, detail: err.detail, ...(source ? { source } : {}) };
}

/** The one place where every error becomes Telnyx's shape. */
export function onError(err: Error, c: Context) {
  if (err instanceof DomainError) return errorResponse(c, STATUS[err.kind], toTelnyx(err));
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return errorResponse(c, status, { code: '10015', title: 'Bad Request', detail: err.message || 'Bad request.' });
  }
  console.error(err);
  return errorResponse(c, 500, { code: '10007', title: 'Internal server error', detail: 'Internal server error' });
}

export function notFound(c: Context) {
  return errorResponse(c, 404, { code: '10007', title: 'Resource not found', detail: `No route for ${c.req.method} ${c.req.path}` });
}
