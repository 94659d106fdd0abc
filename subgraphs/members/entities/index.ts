import { Organisation } from './organisation.entity';
import { Person } from './person.entity';

export const entities = [Organisation, Person];
export { Organisation, Person };
