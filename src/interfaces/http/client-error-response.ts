import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemFromStatus } from './problem';

/**
 * Requests that Node's HTTP parser refuses before the application sees them (a request line or
 * headers over the size limit, a malformed request line) are answered with a problem too,
 * instead of Node's bare status line, and the connection is closed. Such a request has no headers
 * the service has read, so its id is always a fresh one, in the body and in `X-Request-Id` as on
 * every other response.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const requestId = randomUUID();
    const body = JSON.stringify({ ...problemFromStatus(status, tooLarge ? 'The request line and headers are too large.' : 'The request is not valid HTTP.'), request_id: requestId });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
}
