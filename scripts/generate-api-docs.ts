import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderApiMarkdown } from '../src/interfaces/http/openapi/render-markdown';
import { openApiDocument } from '../src/interfaces/http/openapi/openapi-document';

/** Writes docs/API.md, the offline API reference, from the OpenAPI document. */
if (process.argv.length > 2) {
  console.error(`usage: npm run docs\nWrites docs/API.md from the OpenAPI document; it takes no options (given: ${process.argv.slice(2).join(' ')}).`);
  process.exit(process.argv.slice(2).every((arg) => arg === '--help') ? 0 : 2);
}
const target = path.resolve(__dirname, '../docs/API.md');
writeFileSync(target, renderApiMarkdown(openApiDocument()));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
