// The OpenAPI document is plain JSON walked generically here; typing every node would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

/** Renders the OpenAPI document as a Markdown reference (docs/API.md). */
export function renderApiMarkdown(document: Json): string {
  const lines: string[] = [];
  lines.push(`# ${document.info.title} — API reference`, '');
  lines.push('Generated from the OpenAPI document (`npm run docs`); do not edit by hand.', '');
  lines.push(document.info.description, '');
  lines.push('| Method | Path | Summary | Auth |', '|---|---|---|---|');
  const operations = Object.entries(document.paths as Json).flatMap(([path, methods]) =>
    METHOD_ORDER.filter((method) => methods[method]).map((method) => ({ path, method, op: methods[method] as Json })),
  );
  for (const { path, method, op } of operations) {
    lines.push(`| ${method.toUpperCase()} | \`${path}\` | ${op.summary} | ${op.security?.length ? 'bearer' : '—'} |`);
  }
  lines.push('');

  for (const tag of document.tags as Array<{ name: string }>) {
    lines.push(`## ${tag.name}`, '');
    for (const { path, method, op } of operations.filter(({ op }) => op.tags.includes(tag.name))) {
      lines.push(`### ${method.toUpperCase()} \`${path}\``, '', op.summary + '.', '');
      if (op.description) lines.push(op.description, '');
      lines.push(`Authentication: ${op.security?.length ? 'bearer access token' : 'none'}.`, '');
      if (op.parameters?.length) {
        lines.push('| Parameter | In | Required | Schema | Description |', '|---|---|---|---|---|');
        for (const p of op.parameters) {
          lines.push(`| \`${p.name}\` | ${p.in} | ${p.required ? 'yes' : 'no'} | ${schemaSummary(p.schema)} | ${p.description ?? ''} |`);
        }
        lines.push('');
      }
      const body = op.requestBody?.content?.['application/json'];
      if (body) {
        lines.push('Request body (`application/json`):', '', fence(body.schema), '');
        if (body.example !== undefined) lines.push('Example:', '', fence(body.example), '');
      }
      lines.push('| Status | Meaning |', '|---|---|');
      for (const [status, response] of Object.entries(op.responses as Json)) {
        lines.push(`| ${status} | ${(response as Json).description} |`);
      }
      lines.push('');
      const success = Object.entries(op.responses as Json).find(([status]) => status.startsWith('2'));
      const content = (success?.[1] as Json | undefined)?.content?.['application/json'];
      if (content?.example !== undefined) lines.push('Example response:', '', fence(content.example), '');
    }
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function schemaSummary(schema: Json | undefined): string {
  if (!schema) return '';
  const parts = [schema.type ?? 'any'];
  if (schema.enum) parts.push(`one of ${schema.enum.map((v: unknown) => `\`${v}\``).join(', ')}`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.default !== undefined) parts.push(`default \`${schema.default}\``);
  return parts.join(', ');
}

const fence = (value: unknown): string => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
