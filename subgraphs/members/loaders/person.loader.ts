import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { createByIdLoader, groupByKeys } from '../../../platform/loaders';
import { Person } from '../entities';

export const createPersonByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(Person));

/** The people of many organisations in one query, each list ordered by name. */
export const createPeopleByOrganisationLoader = (dataSource: DataSource) =>
  new DataLoader<string, Person[]>(async (organisationIds) => {
    const people = await dataSource.getRepository(Person).find({
      where: { organisationId: In([...organisationIds]) },
      order: { name: 'ASC', id: 'ASC' },
    });
    return groupByKeys(organisationIds, people, (person) => person.organisationId);
  });
