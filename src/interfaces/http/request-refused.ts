/**
 * A request the HTTP shell refuses before it reaches a use case (a malformed request line or
 * header, an expectation it cannot meet, a body that is not UTF-8 or nested too deeply), with the
 * status and the detail the client is told.
 */
export class RequestRefused extends Error {
  constructor(
    readonly status: 400 | 414 | 415 | 417,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'RequestRefused';
  }
}
