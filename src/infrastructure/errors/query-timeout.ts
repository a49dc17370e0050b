/** PostgreSQL's `query_canceled`: what a statement that ran past `statement_timeout` fails with. */
const QUERY_CANCELED = '57014';

/** Tells whether an error is a statement stopped by the statement timeout. */
export function isQueryTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === QUERY_CANCELED;
}
