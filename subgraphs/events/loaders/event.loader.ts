import type { DataSource } from 'typeorm';
import { createByIdLoader } from '../../../platform/loaders';
import { Event } from '../entities';

export const createEventByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(Event));
