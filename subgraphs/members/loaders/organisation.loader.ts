import type { DataSource } from 'typeorm';
import { createByIdLoader } from '../../../platform/loaders';
import { Organisation } from '../entities';

export const createOrganisationByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(Organisation));
