import type Joi from 'joi';
import type { OfferingSnapshots } from '../../application/ports/offering-snapshots';
import { NotFound } from '../../domain/errors';
import type { OfferingKind } from '../../domain/offering-kind';
import { validate } from './validation';

/**
 * Validates the body of a command on one item (register, complete, close, delete): an unknown
 * item is a 404 before anything about the body is said, as the order of a command's checks has
 * it. A valid body's item is found unknown by the use case itself, so the item is looked up here
 * only for a body that is refused.
 */
export async function validateItemCommandBody<T>(
  schema: Joi.Schema<T>,
  body: unknown,
  item: { readonly offerings: OfferingSnapshots; readonly kind: OfferingKind; readonly id: number },
): Promise<T> {
  try {
    return validate(schema, body);
  } catch (invalid) {
    if (!(await item.offerings.exists(item.kind, item.id))) throw new NotFound();
    throw invalid;
  }
}
