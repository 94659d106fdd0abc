import { CreateInnovations1764288000000 } from './1764288000000-create-innovations';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateInnovations1764288000000];
