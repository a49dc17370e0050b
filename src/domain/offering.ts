import type { AvailabilityWindow } from './availability-window';
import type { Money } from './money';
import type { OfferingKind } from './offering-kind';

/** A catalogue item as the commands see it: what it costs and when it is open. */
export interface Offering {
  readonly kind: OfferingKind;
  readonly id: number;
  readonly title: string;
  readonly price: Money;
  readonly window: AvailabilityWindow;
}
