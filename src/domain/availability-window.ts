export type AvailabilityStatus = 'available' | 'upcoming' | 'closed';

export const AVAILABILITY_STATUSES: readonly AvailabilityStatus[] = ['available', 'upcoming', 'closed'];

/** The window `[startAt, endAt]` during which an item can be registered for; both ends inclusive. */
export class AvailabilityWindow {
  constructor(
    readonly startAt: Date,
    readonly endAt: Date,
  ) {
    if (!(endAt.getTime() > startAt.getTime())) {
      throw new RangeError('end_at must be after start_at');
    }
  }

  statusAt(now: Date): AvailabilityStatus {
    if (now.getTime() < this.startAt.getTime()) return 'upcoming';
    if (now.getTime() > this.endAt.getTime()) return 'closed';
    return 'available';
  }

  isOpenAt(now: Date): boolean {
    return this.statusAt(now) === 'available';
  }

  hasStartedBy(now: Date): boolean {
    return now.getTime() >= this.startAt.getTime();
  }
}
