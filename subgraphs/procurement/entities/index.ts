import { Admission, type AdmissionStatus } from './admission.entity';
import { Lot } from './lot.entity';
import { ProcurementRoute } from './procurement-route.entity';

export const entities = [ProcurementRoute, Lot, Admission];
export { Admission, Lot, ProcurementRoute, type AdmissionStatus };
