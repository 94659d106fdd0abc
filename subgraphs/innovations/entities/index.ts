import { Innovation } from './innovation.entity';

export const entities = [Innovation];
export { Innovation };
