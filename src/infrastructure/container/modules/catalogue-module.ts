import { ContainerModule } from 'inversify';
import { REGISTRATION_LOOKUP } from '../../../application/ports/registration-lookup';
import { GetOfferingHandler } from '../../../application/queries/get-offering/get-offering-handler';
import { ListOfferingsHandler } from '../../../application/queries/list-offerings/list-offerings-handler';
import { KnexRegistrationLookup } from '../../knex/knex-registration-lookup';
import { PostgresOfferingCatalogue } from '../../search/postgres/postgres-offering-catalogue';

/** The catalogue read side: lists and details of tests and courses. */
export const catalogueModule = new ContainerModule(({ bind }) => {
  // The port itself is bound with the search engine (bind-search-engine.ts).
  bind(PostgresOfferingCatalogue).toSelf();
  bind(REGISTRATION_LOOKUP).to(KnexRegistrationLookup);
  bind(ListOfferingsHandler).toSelf();
  bind(GetOfferingHandler).toSelf();
});
