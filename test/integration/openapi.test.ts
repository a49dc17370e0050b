import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { buildRouter } from '../../src/interfaces/http/app';
import { openApiDocument } from '../../src/interfaces/http/openapi/openapi-document';
import { ALL_OPERATIONS } from '../../src/interfaces/http/openapi/operations';
import { renderApiMarkdown } from '../../src/interfaces/http/openapi/render-markdown';
import { type TestServer, sharedServer } from '../support/test-server';

/** Routes that serve the documentation itself rather than the API. */
const UNDOCUMENTED_BY_DESIGN = ['GET /api/docs', 'GET /api/docs/assets/{name}'];

const normalise = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '')}`;

describe('OpenAPI document', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  it('documents every route, and every documented operation has a route', () => {
    const router = buildRouter(server.running.app.container, async (_ctx, next) => next());
    const routes = new Set<string>();
    for (const layer of router.stack) {
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) routes.add(normalise(method, layer.path as string));
    }
    const documented = new Set(ALL_OPERATIONS.map((op) => normalise(op.method, op.path)));
    const undocumented = [...routes].filter((route) => !documented.has(route) && !UNDOCUMENTED_BY_DESIGN.includes(route));
    const withoutRoute = [...documented].filter((operation) => !routes.has(operation));
    expect(undocumented, 'routes without a documented operation').to.deep.equal([]);
    expect(withoutRoute, 'documented operations without a route').to.deep.equal([]);
  });

  it('is served at /api/openapi.json with the bearer scheme and problem responses', async () => {
    const res = await server.api.get('/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.match(/^3\./);
    expect(res.body.components.securitySchemes.bearer).to.include({ type: 'http', scheme: 'bearer' });
    expect(res.body.components.schemas).to.have.property('Problem');
    const login = res.body.paths['/api/auth/login/'].post;
    expect(login.responses['429'].content['application/problem+json'].schema.allOf[1].properties.code.enum).to.deep.equal([
      'too_many_requests',
    ]);
  });

  it('gives every operation a unique operationId, a summary and a success response', () => {
    const ids = ALL_OPERATIONS.map((op) => op.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const op of ALL_OPERATIONS) {
      expect(op.summary, op.operationId).to.be.a('string').and.not.equal('');
      expect(op.success.status, op.operationId).to.be.within(200, 299);
    }
  });

  it('serves Swagger UI and its assets from the service itself', async () => {
    const page = await server.api.get('/api/docs/');
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('/api/docs/assets/swagger-ui-bundle.js');
    expect(page.body).not.to.match(/cdnjs|unpkg|jsdelivr/);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui.min.css']) {
      expect((await server.api.get(`/api/docs/assets/${asset}`)).status, asset).to.equal(200);
    }
    expect((await server.api.get('/api/docs/assets/package.json')).status).to.equal(404);
  });
});

describe('docs/API.md', () => {
  it('is the current rendering of the OpenAPI document (regenerate with npm run docs)', () => {
    const committed = readFileSync(`${__dirname}/../../docs/API.md`, 'utf8');
    expect(committed === renderApiMarkdown(openApiDocument()), 'docs/API.md is stale: run npm run docs').to.equal(true);
  });
});
