import { STATUS_CODES, maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errors, type TelnyxError } from '../model/errors.js';
import { errorBody } from './errors.js';

/** The Telnyx error for what Node's HTTP parser refused before any route ran. */
function errorFor(code: string | undefined): TelnyxError {
  if (code === 'HPE_HEADER_OVERFLOW') return errors.headersTooLarge(maxHeaderSize);
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return errors.injected(408);
  return errors.malformedRequest();
}

/**
 * Node answers a request it cannot parse (headers over 16 KiB, bytes not allowed in the request
 * line, a header timeout) itself, with a bare 400/431 and no body. This answers those in Telnyx's
 * error shape instead, as raw bytes on the socket, since there is no request to route.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing to answer a client that is gone, or one already receiving another response (Node's own rule).
    const busy = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    const e = errorFor(err.code);
    const body = JSON.stringify(errorBody(e));
    socket.end(`HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ''}\r\ncontent-type: application/json\r\n`
      + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}
