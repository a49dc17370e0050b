import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ServiceIdentity {
  readonly service: string;
  readonly version: string;
}

/**
 * The name and version of the running service, from its package.json: the nearest one above
 * this file, from the sources in a checkout and from `dist/` in the image alike.
 */
export function serviceIdentity(): ServiceIdentity {
  identity ??= readIdentity(__dirname);
  return identity;
}

let identity: ServiceIdentity | undefined;

function readIdentity(start: string): ServiceIdentity {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (name && version) return { service: name, version };
    }
    if (dirname(dir) === dir) return { service: 'unknown', version: 'unknown' };
  }
}
