import { ContainerModule } from 'inversify';
import { OFFERING_CATALOGUE } from '../../../application/ports/offering-catalogue';
import { REGISTRATION_LOOKUP } from '../../../application/ports/registration-lookup';
import { GetOfferingHandler } from '../../../application/queries/get-offering/get-offering-handler';
import { ListOfferingsHandler } from '../../../application/queries/list-offerings/list-offerings-handler';
import { KnexRegistrationLookup } from '../../knex/knex-registration-lookup';
import { PostgresOfferingCatalogue } from '../../search/postgres/postgres-offering-catalogue';

/** The catalogue read side: lists and details of tests and courses. */
export const catalogueModule = new ContainerModule(({ bind }) => {
  bind(OFFERING_CATALOGUE).to(PostgresOfferingCatalogue);
  bind(REGISTRATION_LOOKUP).to(KnexRegistrationLookup);
  bind(ListOfferingsHandler).toSelf();
  bind(GetOfferingHandler).toSelf();
});
