import { CreateRoutesLotsAndAdmissions1764205200000 } from './1764205200000-create-routes-lots-and-admissions';
import { CreateProjectsResponsesAwardsAndAudit1764309600000 } from './1764309600000-create-projects-responses-awards-and-audit';
import { IndexDashboardQueues1764720000000 } from './1764720000000-index-dashboard-queues';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateRoutesLotsAndAdmissions1764205200000, CreateProjectsResponsesAwardsAndAudit1764309600000, IndexDashboardQueues1764720000000];
