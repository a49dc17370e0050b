import type { Knex } from 'knex';
import { OFFERING_KINDS, type OfferingKind } from '../../src/domain/offering-kind';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { OFFERING_RESOURCES } from '../../src/interfaces/http/offering-resources';
import { uniqueName } from './users';

const DAY = 86_400_000;

export interface OfferingOptions {
  readonly title?: string;
  readonly description?: string;
  readonly price?: string;
  readonly startAt?: Date;
  readonly endAt?: Date;
  readonly createdAt?: Date;
  readonly registrationCount?: number;
}

/** Inserts a catalogue item; by default open now (started yesterday, ends tomorrow), 45000.00. */
export async function createOffering(db: Knex, kind: OfferingKind, options: OfferingOptions = {}): Promise<number> {
  const now = Date.now();
  const [{ id }] = await db(OFFERING_TABLES[kind].items)
    .insert({
      title: options.title ?? `${kind} ${uniqueName('item')}`,
      description: options.description ?? 'A catalogue item created by a test.',
      price: options.price ?? '45000.00',
      start_at: options.startAt ?? new Date(now - DAY),
      end_at: options.endAt ?? new Date(now + DAY),
      ...(options.createdAt ? { created_at: options.createdAt } : {}),
      ...(options.registrationCount !== undefined ? { registration_count: options.registrationCount } : {}),
    })
    .returning('id');
  return id;
}

/** The paths and names of one kind, as a client sees them. */
export function kindPaths(kind: OfferingKind) {
  const names = { ...OFFERING_KINDS[kind], ...OFFERING_RESOURCES[kind], activeStatus: OFFERING_TABLES[kind].activeStatus };
  return {
    names,
    register: (id: number | string) => `/api/${names.plural}/${id}/${names.registerVerb}/`,
    complete: (id: number | string) => `/api/${names.plural}/${id}/complete/`,
    detail: (id: number | string) => `/api/${names.plural}/${id}/`,
    list: `/api/${names.plural}/`,
  };
}

export const DAY_MS = DAY;
