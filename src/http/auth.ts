import type { MiddlewareHandler } from 'hono';
import type { IncomingMessage } from 'node:http';
import { errors } from '../domain/errors.js';

export type Env = { Variables: { account: string }; Bindings: { incoming?: IncomingMessage } };

/**
 * `Authorization: Bearer <key>`: each API key is its own isolated account (like LocalStack's
 * account ids). Kept to one header read and a prefix check: this runs on every request.
 */
export const bearerAccount: MiddlewareHandler<Env> = async (c, next) => {
  // On Node, read the header off the IncomingMessage: going through c.req builds a web Headers object.
  const header = c.env?.incoming ? c.env.incoming.headers.authorization : c.req.header('authorization');
  const key = header && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7).trim() : '';
  if (!key) throw errors.authenticationFailed();
  c.set('account', key);
  await next();
};
