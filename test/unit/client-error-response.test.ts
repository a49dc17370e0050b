import { expect } from 'chai';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { answerClientErrorsWithProblems } from '../../src/interfaces/http/client-error-response';

/**
 * Writes `raw` on a new connection and returns everything the server sends until it closes;
 * `then` is written once what was received includes `after`.
 */
function exchange(port: number, raw: string, then?: { readonly after: string; readonly write: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const before = received;
      received += chunk;
      if (then && !before.includes(then.after) && received.includes(then.after)) socket.write(then.write);
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('requests refused by the HTTP parser', () => {
  let server: Server;
  let port: number;
  before(async () => {
    // Short limits, checked often, so that a request that arrives too slowly is refused at once.
    server = createServer({ headersTimeout: 300, requestTimeout: 400, connectionsCheckingInterval: 50 }, (req, res) => {
      // A response sent in two parts, so that a pipelined request can fail while it is under way.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part;');
      setTimeout(() => res.end('second part'), 200);
    });
    answerClientErrorsWithProblems(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1]);
  const problemOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

  it('answers a malformed request line with a 400 problem and closes the connection', async () => {
    const raw = await exchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(statusOf(raw)).to.equal(400);
    expect(raw).to.match(/\r\nConnection: close\r\n/);
    expect(problemOf(raw)).to.include({ status: 400, code: 'bad_request' });
  });

  it('answers headers that do not arrive in time with a 408 problem', async () => {
    const raw = await exchange(port, 'GET / HTTP/1.1\r\nHost: localhost\r\n');
    expect(statusOf(raw)).to.equal(408);
    const problem = problemOf(raw);
    expect(problem).to.include({ status: 408, code: 'request_timeout', title: 'Request timeout' });
    expect(raw).to.include(`\r\nX-Request-Id: ${problem.request_id}\r\n`);
  });

  it('writes nothing into a pipelined response under way: the connection is closed instead', async () => {
    const raw = await exchange(port, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', { after: 'first part;', write: 'NOT HTTP AT ALL\r\n\r\n' });
    expect(statusOf(raw)).to.equal(200);
    expect(raw).to.include('first part;');
    expect(raw, 'no problem mixed into the body').not.to.include('HTTP/1.1 400');
  });
});
