import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderApiMarkdown } from '../src/interfaces/http/openapi/render-markdown';
import { openApiDocument } from '../src/interfaces/http/openapi/openapi-document';

/** Writes docs/API.md, the offline API reference, from the OpenAPI document. */
const target = path.resolve(__dirname, '../docs/API.md');
writeFileSync(target, renderApiMarkdown(openApiDocument()));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
