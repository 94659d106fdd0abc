import { CreateRoutesLotsAndAdmissions1764205200000 } from './1764205200000-create-routes-lots-and-admissions';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateRoutesLotsAndAdmissions1764205200000];
