import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/**
 * Whether this process's HTTP server has been taking requests in the last `windowMs`: the
 * dispatcher slows down while the API is in use, so reads and writes come before webhooks.
 * (Node publishes every incoming request on this channel; counting them costs a timestamp.)
 */
export function apiActivity(windowMs: number) {
  let last = -Infinity;
  const onRequest = () => { last = performance.now(); };
  subscribe('http.server.request.start', onRequest);
  return {
    busy: (now = performance.now()) => now - last < windowMs,
    close: () => { unsubscribe('http.server.request.start', onRequest); },
  };
}
