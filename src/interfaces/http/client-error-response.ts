import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemFromStatus } from './problem';

/** What Node's parser refused, as the status and detail of the answer; anything else is a 400. */
const REFUSALS: Readonly<Record<string, { readonly status: number; readonly detail: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: 'The request line and headers are too large.' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, detail: 'The chunk extensions of the request body are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: 'The request was not received in time.' },
};
const NOT_HTTP = { status: 400, detail: 'The request is not valid HTTP.' };

/** The response a connection is sending, as Node's server keeps it on the socket. */
export interface SocketWithResponse extends Duplex {
  readonly _httpMessage?: { readonly headersSent: boolean } | null;
}

/**
 * Ends a raw connection with a problem answer and `Connection: close`: for requests answered
 * before, or outside, the application. Its id is a fresh one, in the body and in `X-Request-Id`.
 */
export function endWithProblem(socket: Duplex, status: number, detail: string, headers: Readonly<Record<string, string>> = {}): void {
  const requestId = randomUUID();
  const body = JSON.stringify({ ...problemFromStatus(status, detail), request_id: requestId });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${extra}` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

/**
 * Requests that Node's HTTP parser refuses before the application sees them (a request line or
 * headers over the size limit, a malformed request line, headers not received in time) are
 * answered with a problem too, instead of Node's bare status line, and the connection is closed.
 * Such a request has no headers the service has read, so its id is always a fresh one, in the
 * body and in `X-Request-Id` as on every other response. As Node's own handler does, nothing is
 * written while an earlier request's response on the same connection is being sent (pipelining),
 * where it would corrupt that response: the connection is closed.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: SocketWithResponse) => {
    if (!socket.writable || error.code === 'ECONNRESET' || socket._httpMessage?.headersSent) return socket.destroy();
    const { status, detail } = REFUSALS[error.code ?? ''] ?? NOT_HTTP;
    endWithProblem(socket, status, detail);
  });
}
