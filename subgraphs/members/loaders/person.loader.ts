import type { DataSource } from 'typeorm';
import { boundedChildrenLoaders, createByIdLoader, findFirstPerParent } from '../../../platform/loaders';
import { Person } from '../entities';

export const createPersonByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(Person));

/** The people of many organisations in one query, each list ordered by name, at most `first` each. */
export const createPeopleByOrganisationLoaders = (dataSource: DataSource) =>
  boundedChildrenLoaders(
    (organisationIds, first) =>
      findFirstPerParent(dataSource.getRepository(Person), {
        parent: 'organisationId',
        parentIds: organisationIds,
        order: [
          ['name', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: first,
      }),
    (person) => person.organisationId,
  );
