import { Admission, type AdmissionStatus } from './admission.entity';
import { ClarificationQuestion } from './clarification-question.entity';
import { Contract } from './contract.entity';
import { Lot } from './lot.entity';
import { ProcurementProject, type EvaluationCriterion } from './project.entity';
import { ProcurementResponse } from './response.entity';
import { ProcurementRoute } from './procurement-route.entity';

export const entities = [ProcurementRoute, Lot, Admission, ProcurementProject, ProcurementResponse, ClarificationQuestion, Contract];
export {
  Admission,
  ClarificationQuestion,
  Contract,
  Lot,
  ProcurementProject,
  ProcurementResponse,
  ProcurementRoute,
  type AdmissionStatus,
  type EvaluationCriterion,
};
