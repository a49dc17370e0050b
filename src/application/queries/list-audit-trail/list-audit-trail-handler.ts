import { inject, injectable } from 'inversify';
import { PageNotFound } from '../../../domain/errors';
import { AUDIT_TRAIL, type AuditEntry, type AuditTrail, type AuditTrailFilter } from '../../ports/audit-trail';

export interface ListAuditTrailQuery {
  readonly filter: AuditTrailFilter;
  readonly page: number;
  readonly pageSize: number;
}

export interface AuditTrailPage {
  readonly count: number;
  readonly entries: readonly AuditEntry[];
  readonly hasNext: boolean;
}

/** The administrative changes, newest first, by item or by staff user. */
@injectable()
export class ListAuditTrailHandler {
  constructor(@inject(AUDIT_TRAIL) private readonly trail: AuditTrail) {}

  async execute({ filter, page, pageSize }: ListAuditTrailQuery): Promise<AuditTrailPage> {
    const result = await this.trail.list(filter, (page - 1) * pageSize, pageSize);
    if (page > 1 && result.entries.length === 0) throw new PageNotFound();
    return { ...result, hasNext: page * pageSize < result.count };
  }
}
