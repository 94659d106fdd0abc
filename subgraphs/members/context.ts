import type { Clock } from '../../platform/clock';
import type { RequestScope } from '../../platform/subgraph-server';
import type { Identity } from '../../platform/identity';
import { createMembersLoaders } from './loaders';
import { InvitationService } from './services/invitation.service';
import { MembershipService } from './services/membership.service';
import { OrganisationService } from './services/organisation.service';
import { PersonService } from './services/person.service';
import { MembershipInsightsService } from './services/insights.service';

/** What every members resolver receives: the caller, and the request's services sharing one set of loaders. */
export interface MembersContext {
  viewer: Identity;
  organisations: OrganisationService;
  people: PersonService;
  memberships: MembershipService;
  invitations: InvitationService;
  /** Analyst aggregates (ANALYST and PLATFORM_ADMIN only). */
  insights: MembershipInsightsService;
}

/** The clock is the module's (subgraph.ts): invitation expiry and the time a decision records follow it. */
export function createMembersContext({ dataSource, viewer, newcomer }: RequestScope, clock: Clock): MembersContext {
  const loaders = createMembersLoaders(dataSource, clock);
  return {
    viewer,
    organisations: new OrganisationService(dataSource, loaders),
    people: new PersonService(dataSource, loaders, viewer, clock),
    memberships: new MembershipService(dataSource, loaders, viewer, clock),
    invitations: new InvitationService(dataSource, loaders, viewer, clock, newcomer ?? null),
    insights: new MembershipInsightsService(dataSource, viewer),
  };
}
