/**
 * A request the HTTP shell refuses before it reaches a use case (a malformed request line or
 * header, a body nested too deeply), with the status and the detail the client is told.
 */
export class RequestRefused extends Error {
  constructor(
    readonly status: 400 | 414,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'RequestRefused';
  }
}
