import { NotFound } from '../../domain/errors';

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A path id that is not a positive integer in range names no resource: 404, never 500. */
export function parseId(raw: string | undefined): number {
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw)) throw new NotFound();
  const id = Number(raw);
  if (id > MAX_ID) throw new NotFound();
  return id;
}
