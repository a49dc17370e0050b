/**
 * PostgreSQL's class 22, data exceptions: a value it cannot hold or convert (a date out of range,
 * a number too large for its column). The service validates what clients send, so reaching one
 * means a client's value slipped past a check; it is the client's value that is wrong.
 */
export function isDataException(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.length === 5 && code.startsWith('22');
}
