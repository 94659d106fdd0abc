import { CreateRoutesLotsAndAdmissions1764205200000 } from './1764205200000-create-routes-lots-and-admissions';
import { CreateProjectsResponsesAwardsAndAudit1764309600000 } from './1764309600000-create-projects-responses-awards-and-audit';
import { RecordBuyerNationOnProjects1764633600000 } from './1764633600000-record-buyer-nation-on-projects';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  CreateRoutesLotsAndAdmissions1764205200000,
  CreateProjectsResponsesAwardsAndAudit1764309600000,
  RecordBuyerNationOnProjects1764633600000,
];
