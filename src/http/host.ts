import type { MiddlewareHandler } from 'hono';
import { errors } from '../model/errors.js';

/** Names a browser on this machine reaches a loopback server by. */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
/** Listening on these means every interface: any name may lead here, so any Host is accepted. */
const ANY = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The Host names the console and /_mock answer to: loopback names, the address the server listens
 * on and the configured public URL's host. Undefined (any Host) when listening on every interface.
 */
export function allowedHosts(listenHost: string, publicUrl?: string): string[] | undefined {
  if (ANY.has(listenHost)) return undefined;
  const names = new Set(LOOPBACK);
  names.add(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost.toLowerCase());
  if (publicUrl) {
    try { names.add(new URL(publicUrl).hostname.toLowerCase()); } catch { /* config validated it */ }
  }
  return [...names];
}

/** The hostname of a Host header (`name:port`, `[v6]:port`), lower-cased. */
function hostname(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * Refuses a request whose Host is not one of `allowed` (403): DNS rebinding points a site's name at
 * 127.0.0.1, so the browser sends that site's name as Host. A request with no Host header was made
 * in process (app.fetch), never by a browser.
 */
export function hostCheck(allowed: string[] | undefined): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host');
    if (allowed && host !== undefined && !allowed.includes(hostname(host))) throw errors.hostNotAllowed(host, allowed);
    await next();
  };
}
