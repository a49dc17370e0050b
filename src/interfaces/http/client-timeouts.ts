/**
 * How long a client has to send a request's headers, and the whole request: the largest body the
 * service takes (`BODY_LIMIT`, 100 kB by default) arrives in well under that on any network that
 * can use the service, while a connection that trickles, or never sends, holds a socket until
 * then (Node's defaults are a minute and five). The answer is then a 408 problem (see
 * `answerClientErrorsWithProblems`).
 */
export const HEADERS_TIMEOUT_MS = 20_000;
export const REQUEST_TIMEOUT_MS = 30_000;
