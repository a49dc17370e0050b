import type { CatalogueItem } from '../ports/offering-catalogue';

/** A catalogue item as its reader sees it: with whether the reader holds a registration for it. */
export interface ListedOffering extends CatalogueItem {
  readonly isRegistered: boolean;
}
