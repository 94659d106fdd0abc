import { Invitation } from './invitation.entity';
import { Membership } from './membership.entity';
import { MembershipDecision } from './membership-decision.entity';
import { Organisation } from './organisation.entity';
import { Person } from './person.entity';

export const entities = [Organisation, Person, Membership, MembershipDecision, Invitation];
export { Invitation, Membership, MembershipDecision, Organisation, Person };
