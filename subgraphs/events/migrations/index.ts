import { CreateEvents1764288000000 } from './1764288000000-create-events';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateEvents1764288000000];
