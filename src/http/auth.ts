import type { MiddlewareHandler } from 'hono';
import { errors } from '../model/errors.js';
import { errorBody } from './errors.js';
import type { Account, Accounts } from '../commands/account.js';
import { incomingOf, type NodeBindings } from './node-internals.js';

/** `body`: the JSON body readBody() parsed, for the request journal to ask which fields were ignored. */
export type Env = { Variables: { account: Account; body?: Record<string, unknown> }; Bindings: NodeBindings };

/** The key of an `Authorization: Bearer <key>` header, or '' when there is none. */
export function bearerKey(header: string | undefined): string {
  return header && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7).trim() : '';
}

/** The answer to a request without a key, as the server log is given it. */
const AUTH_FAILED = JSON.stringify(errorBody(errors.authenticationFailed()));

/**
 * `Authorization: Bearer <key>`: each API key is its own isolated account (like LocalStack's
 * account ids), resolved once here for the whole request. Kept to one header read and a prefix
 * check: this runs on every request.
 */
export function bearerAccount(accounts: Accounts, counted: 'here' | 'by-caller' = 'here'): MiddlewareHandler<Env> {
  // Not async: it hands on next()'s promise rather than wrapping it in one more (a throw before
  // it still reaches onError, as Hono calls every middleware inside a try).
  return (c, next) => {
    // On Node, read the header off the IncomingMessage: going through c.req builds a web Headers object.
    const incoming = incomingOf(c);
    const header = incoming ? incoming.headers.authorization : c.req.header('authorization');
    const key = bearerKey(header);
    if (!key) {
      // No account to journal it under: the server log is where a request sent without a key shows.
      if (c.req.path.startsWith('/v2')) accounts.log.request('', c.req.method, c.req.path, 401, 0, AUTH_FAILED);
      throw errors.authenticationFailed();
    }
    // Counted in flight until answered: an account is never released under a running request.
    const account = accounts.enter(key);
    c.set('account', account);
    // On /v2 the journal's middleware, which awaits the answer anyway, takes it off the count
    // ('by-caller'): no promise more per API call. Elsewhere it is taken off here, beside the
    // answer, not in its path (the promise Hono awaits stays next()'s own).
    const done = next();
    if (counted === 'here') {
      const leave = () => accounts.leave(account);
      done.then(leave, leave);
    }
    return done;
  };
}
