import type { OfferingKind } from '../../domain/offering-kind';

export type AdministrativeAction = 'create' | 'update' | 'close' | 'delete';

/** An item's fields as an audit entry keeps them: the changed ones, as text. */
export type AuditedFields = Readonly<Record<string, string>>;

export interface AuditEntryInput {
  readonly staffUserId: number;
  readonly action: AdministrativeAction;
  readonly kind: OfferingKind;
  readonly itemId: number;
  /** The fields before the change (null when created). */
  readonly before: AuditedFields | null;
  /** The fields after the change (null when deleted). */
  readonly after: AuditedFields | null;
  readonly at: Date;
  /** The `Idempotency-Key` a create was made under, if any. */
  readonly requestKey?: string;
}

export interface AuditEntry extends AuditEntryInput {
  readonly id: number;
}

/** A create made under an `Idempotency-Key`: the item, and its fields as created. */
export interface KeyedCreation {
  readonly kind: OfferingKind;
  readonly itemId: number;
  readonly fields: AuditedFields;
}

/** Records an administrative change in the transaction that makes it. */
export interface AuditTrailWriter {
  record(entry: AuditEntryInput): Promise<void>;
  /** The creates a staff user made under an `Idempotency-Key` since `since`, newest first. */
  createdUnderKey(staffUserId: number, requestKey: string, since: Date): Promise<readonly KeyedCreation[]>;
}

export interface AuditTrailFilter {
  readonly kind?: OfferingKind;
  readonly itemId?: number;
  readonly staffUserId?: number;
}

/** The administrative changes, newest first. */
export interface AuditTrail {
  list(filter: AuditTrailFilter, offset: number, limit: number): Promise<{ readonly count: number; readonly entries: readonly AuditEntry[] }>;
}

export const AUDIT_TRAIL = Symbol.for('AuditTrail');
