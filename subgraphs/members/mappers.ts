import type { Connection } from '../../platform/pagination';
import type { Organisation, Person } from './entities';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type OrganisationModel = Organisation;
export type PersonModel = Person;
export type OrganisationConnectionModel = Connection<Organisation>;
