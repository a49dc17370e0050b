import { createReadStream } from 'node:fs';
import path from 'node:path';
import { koaSwagger } from 'koa2-swagger-ui';
import { openApiDocument } from '../openapi/openapi-document';
import { PROBLEM_TYPES, codeOfSlug } from '../problem-types';
import type { RouteContext } from './route-context';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSET_PREFIX = '/api/docs/assets';

/**
 * The Swagger UI assets, served by the service itself so the docs work without internet access.
 * A map, not an object: a name from the URL such as `constructor` must find nothing.
 */
const ASSETS: ReadonlyMap<string, { file: string; type: string }> = new Map([
  ['swagger-ui.min.css', { file: 'swagger-ui.css', type: 'text/css' }],
  ['swagger-ui-bundle.js', { file: 'swagger-ui-bundle.js', type: 'application/javascript' }],
  ['swagger-ui-standalone-preset.js', { file: 'swagger-ui-standalone-preset.js', type: 'application/javascript' }],
  ['favicon.png', { file: 'favicon-32x32.png', type: 'image/png' }],
]);

export function registerDocsRoutes({ router, limitAnonymousReads }: RouteContext): void {
  router.get('/api/openapi.json', limitAnonymousReads, (ctx) => {
    ctx.body = openApiDocument();
  });

  const ui = koaSwagger({
    routePrefix: false,
    title: 'Exam & course registration API',
    swaggerCdnUrl: '/api/docs',
    swaggerVersion: 'assets',
    favicon: `${ASSET_PREFIX}/favicon.png`,
    hideTopbar: true,
    swaggerOptions: { url: '/api/openapi.json', spec: openApiDocument(), persistAuthorization: true, displayRequestDuration: true },
  });
  router.get('/api/docs', limitAnonymousReads, ui);

  // Each problem's `type` URI: a short page saying what it means and what to do.
  router.get('/problems/:slug', limitAnonymousReads, (ctx) => {
    const code = codeOfSlug(ctx.params.slug);
    const problem = PROBLEM_TYPES.get(code);
    if (!problem) return;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = problemPage(code, problem);
  });

  router.get(`${ASSET_PREFIX}/:name`, limitAnonymousReads, (ctx) => {
    const asset = ASSETS.get(ctx.params.name);
    if (!asset) return;
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = createReadStream(path.join(SWAGGER_UI_DIR, asset.file));
  });
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function problemPage(code: string, problem: { readonly title: string; readonly description: string }): string {
  const description = escapeHtml(problem.description).replace(/`([^`]+)`/g, '<code>$1</code>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(problem.title)}</title></head>
<body><h1>${escapeHtml(problem.title)}</h1><p>Problem code <code>${escapeHtml(code)}</code>.</p><p>${description}</p>
<p>Every problem of this API: <a href="/api/docs">the API documentation</a>.</p></body></html>
`;
}
