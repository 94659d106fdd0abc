import { Admission, type AdmissionStatus } from './admission.entity';
import { ClarificationQuestion } from './clarification-question.entity';
import { Contract } from './contract.entity';
import { Lot } from './lot.entity';
import { ProcurementProject, type EvaluationCriterion } from './project.entity';
import { ProcurementResponse } from './response.entity';
import { ProcurementRoute } from './procurement-route.entity';
import { SavedOpportunitySearch } from './saved-opportunity-search.entity';

export const entities = [
  ProcurementRoute,
  Lot,
  Admission,
  ProcurementProject,
  ProcurementResponse,
  ClarificationQuestion,
  Contract,
  SavedOpportunitySearch,
];
export {
  Admission,
  ClarificationQuestion,
  Contract,
  Lot,
  ProcurementProject,
  ProcurementResponse,
  ProcurementRoute,
  SavedOpportunitySearch,
  type AdmissionStatus,
  type EvaluationCriterion,
};
