import type { Connection } from '../../platform/pagination';
import type { Innovation } from './entities';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type InnovationModel = Innovation;
export type InnovationConnectionModel = Connection<Innovation>;
/** An organisation is owned by members; here it is only the id the gateway sends or we reference. */
export type OrganisationModel = { id: string };
