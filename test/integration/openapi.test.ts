import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { buildRouter } from '../../src/interfaces/http/app';
import { openApiDocument } from '../../src/interfaces/http/openapi/openapi-document';
import { ALL_OPERATIONS } from '../../src/interfaces/http/openapi/operations';
import { renderApiMarkdown } from '../../src/interfaces/http/openapi/render-markdown';
import { PROBLEM_TYPES } from '../../src/interfaces/http/problem-types';
import { type TestServer, sharedServer } from '../support/test-server';

/** Routes that serve the documentation itself rather than the API. */
const UNDOCUMENTED_BY_DESIGN = ['GET /api/docs', 'GET /api/docs/assets/{name}', 'GET /problems/{slug}'];

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

type Json = Record<string, any>;

/** Every operation of the document with its method and path. */
const operationsOf = (document: Json) =>
  Object.entries(document.paths as Json).flatMap(([route, methods]) => Object.entries(methods as Json).map(([method, op]) => ({ route, method, op: op as Json })));

describe('OpenAPI document for client generators', function () {
  this.timeout(120_000);
  const document = openApiDocument() as Json;

  it('is a valid OpenAPI 3 document (swagger-parser)', async () => {
    await SwaggerParser.validate(structuredClone(document) as never);
  });

  it('lists the fields every response always has as required, and nullable ones as nullable', () => {
    const { schemas } = document.components;
    expect(schemas.Offering.required).to.have.members(['id', 'title', 'description', 'price', 'start_at', 'end_at', 'created_at', 'is_registered', 'registration_count']);
    expect(schemas.OfferingPage.required).to.have.members(['count', 'count_is_estimate', 'next', 'previous', 'results']);
    expect(schemas.Payment.required).to.include.members(['id', 'amount', 'status', 'cancelled_at', 'refund_reason']);
    expect(schemas.Payment.properties.cancelled_at.nullable).to.equal(true);
    expect(schemas.Problem.required).to.have.members(['type', 'title', 'status', 'code']);
    for (const { route, method, op } of operationsOf(document)) {
      const success = Object.entries(op.responses as Json).find(([status]) => status.startsWith('2'))![1] as Json;
      const schema = success.content?.['application/json']?.schema as Json | undefined;
      if (schema?.properties) expect(schema.required, `${method} ${route}`).to.have.members(Object.keys(schema.properties));
    }
  });

  it('documents the response headers: X-Request-Id everywhere, Retry-After on 429 and 503, Location, ETag and Idempotent-Replayed where set', () => {
    for (const { route, method, op } of operationsOf(document)) {
      for (const [status, response] of Object.entries(op.responses as Json)) {
        expect((response as Json).headers, `${method} ${route} ${status}`).to.have.property('X-Request-Id');
        if (status === '429' || status === '503') expect((response as Json).headers, `${method} ${route} ${status}`).to.have.property('Retry-After');
      }
      expect(op.responses, `${method} ${route}`).to.have.property('500');
    }
    expect(document.paths['/api/tests/'].post.responses['201'].headers).to.include.keys('Location', 'ETag', 'Idempotent-Replayed');
    expect(document.paths['/api/tests/{id}/'].get.responses['200'].headers).to.have.property('ETag');
    expect(document.paths['/api/tests/{id}/apply/'].post.responses['201'].headers).to.have.property('Idempotent-Replayed');
    expect(document.paths['/api/tests/'].get.responses['429'].headers).to.have.property('Retry-After');
  });

  it('gives every problem type a page that says what it means', async () => {
    const server = await sharedServer();
    const codes = new Set<string>();
    for (const { op } of operationsOf(document)) {
      for (const response of Object.values(op.responses as Json)) {
        const schema = (response as Json).content?.['application/problem+json']?.schema as Json | undefined;
        for (const code of (schema?.allOf?.[1]?.properties?.code?.enum as string[] | undefined) ?? []) codes.add(code);
      }
    }
    expect(codes.size).to.be.above(20);
    for (const code of codes) {
      const page = await server.api.get(`/problems/${code.replace(/_/g, '-')}`);
      expect(page.status, code).to.equal(200);
      expect(page.headers.get('content-type'), code).to.match(/^text\/html/);
      expect(page.body, code).to.contain(PROBLEM_TYPES.get(code)!.title);
    }
    const problem = await server.api.get('/api/tests/', {});
    expect((await server.api.get(problem.body.type)).status).to.equal(200);
    expect((await server.api.get('/problems/no-such-problem')).status).to.equal(404);
  });

  it('generates TypeScript types (openapi-typescript) that a client type-checks against', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openapi-client-'));
    try {
      writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(document));
      const generate = spawnSync(process.execPath, [path.join(process.cwd(), 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), path.join(dir, 'openapi.json'), '-o', path.join(dir, 'api.d.ts')], { encoding: 'utf8' });
      expect(generate.status, generate.stderr).to.equal(0);
      // A client that relies on required fields (no `undefined` checks) and on the problem codes.
      writeFileSync(
        path.join(dir, 'client.ts'),
        [
          "import type { components, paths } from './api';",
          "type Page = paths['/api/tests/']['get']['responses']['200']['content']['application/json'];",
          "type Problem = paths['/api/tests/{id}/apply/']['post']['responses']['400']['content']['application/problem+json'];",
          "type Payment = components['schemas']['Payment'];",
          'export const titles = (page: Page): string[] => page.results.map((item) => item.title.toUpperCase());',
          'export const total = (page: Page): number => page.count + (page.count_is_estimate ? 0 : 1);',
          "export const mismatch = (problem: Problem): boolean => problem.code === 'amount_mismatch';",
          'export const refunded = (payment: Payment): string | null => payment.cancelled_at;',
          "// @ts-expect-error an unknown problem code is not one the operation can answer with",
          "export const unknown = (problem: Problem): boolean => problem.code === 'no_such_code';",
        ].join('\n'),
      );
      const check = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs', path.join(dir, 'client.ts')], { encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs/API.md', () => {
  it('is the current rendering of the OpenAPI document (regenerate with npm run docs)', () => {
    const committed = readFileSync(`${__dirname}/../../docs/API.md`, 'utf8');
    expect(committed === renderApiMarkdown(openApiDocument()), 'docs/API.md is stale: run npm run docs').to.equal(true);
  });
});
