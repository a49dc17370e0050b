import type { Knex } from 'knex';
import type { NewRegistration, RegistrationRepository } from '../../application/ports/unit-of-work';
import { AlreadyRegistered } from '../../domain/errors';
import type { OfferingKind } from '../../domain/offering-kind';
import type { Registration, RegistrationState } from '../../domain/registration';
import { OFFERING_TABLES } from './offering-tables';
import { translateConstraintViolation } from './constraint-violation';

interface RegistrationRow {
  id: number;
  user_id: number;
  item_id: number;
  payment_id: number;
  status: string;
  registered_at: Date;
  completed_at: Date | null;
}

/** Stored status names per kind (`applied` / `enrolled` for a fresh registration). */
const storedStatus = (kind: OfferingKind, state: RegistrationState): string =>
  state === 'registered' ? OFFERING_TABLES[kind].activeStatus : state;

const stateOf = (status: string): RegistrationState =>
  status === 'completed' || status === 'cancelled' ? status : 'registered';

export class KnexRegistrationRepository implements RegistrationRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async findActiveForUpdate(kind: OfferingKind, userId: number, itemId: number): Promise<Registration | null> {
    const { itemColumn } = OFFERING_TABLES[kind];
    const row = await this.select(kind).where({ user_id: userId, [itemColumn]: itemId }).whereNot({ status: 'cancelled' }).forUpdate().first();
    return row ? toRegistration(row) : null;
  }

  async findByPaymentForUpdate(kind: OfferingKind, paymentId: number): Promise<Registration | null> {
    const row = await this.select(kind).where({ payment_id: paymentId }).forUpdate().first();
    return row ? toRegistration(row) : null;
  }

  async insert(kind: OfferingKind, registration: NewRegistration): Promise<Registration> {
    const { registrations, itemColumn } = OFFERING_TABLES[kind];
    try {
      const [row] = await this.db(registrations)
        .insert({
          user_id: registration.userId,
          [itemColumn]: registration.itemId,
          payment_id: registration.paymentId,
          status: storedStatus(kind, 'registered'),
          registered_at: registration.registeredAt,
        })
        .returning(['id', 'user_id', `${itemColumn} as item_id`, 'payment_id', 'status', 'registered_at', 'completed_at']);
      return toRegistration(row as RegistrationRow);
    } catch (error) {
      throw translateConstraintViolation(error, { [`${registrations}_one_active_idx`]: () => new AlreadyRegistered() });
    }
  }

  async markCompleted(kind: OfferingKind, id: number, at: Date): Promise<void> {
    await this.db(OFFERING_TABLES[kind].registrations).where({ id }).update({ status: 'completed', completed_at: at, updated_at: at });
  }

  async markCancelled(kind: OfferingKind, id: number, at: Date): Promise<void> {
    await this.db(OFFERING_TABLES[kind].registrations).where({ id }).update({ status: 'cancelled', cancelled_at: at, updated_at: at });
  }

  private select(kind: OfferingKind) {
    const { registrations, itemColumn } = OFFERING_TABLES[kind];
    return this.db<RegistrationRow>(registrations).select(
      'id', 'user_id', `${itemColumn} as item_id`, 'payment_id', 'status', 'registered_at', 'completed_at',
    );
  }
}

const toRegistration = (row: RegistrationRow): Registration => ({
  id: row.id,
  userId: row.user_id,
  itemId: row.item_id,
  paymentId: row.payment_id,
  state: stateOf(row.status),
  registeredAt: row.registered_at,
  completedAt: row.completed_at,
});
