import { personaViewer } from '../tests/support/viewers';
import { inactiveMembershipRefusal, requireActiveMembership } from './active-membership';
import type { MembershipStatus } from './identity';

describe('the active-membership rule for mutations', () => {
  const statuses: (MembershipStatus | null)[] = ['APPLIED', 'LAPSED', 'LEFT', 'REJECTED', 'SUSPENDED', null];

  it('lets anonymous callers, platform staff and active members through', () => {
    expect(inactiveMembershipRefusal(null, 'invitePerson')).toBeNull();
    expect(inactiveMembershipRefusal(personaViewer('kent-admin'), 'invitePerson')).toBeNull();
    for (const status of statuses)
      expect(inactiveMembershipRefusal(personaViewer('platform-admin', status as MembershipStatus), 'approveMembership')).toBeNull();
  });

  it.each(statuses)('refuses a %s organisation every mutation outside the allow-lists', (status) => {
    const viewer = personaViewer('kent-admin', status as MembershipStatus);
    for (const mutation of ['invitePerson', 'changePersonRoles', 'confirmEvidence', 'createProcurementProject', 'raiseSupportRequest']) {
      expect(inactiveMembershipRefusal(viewer, mutation)).toEqual(expect.any(String));
    }
    // Giving something up is always open.
    for (const mutation of ['leaveMembership', 'cancelEventRegistration', 'revokeCalendarFeed'])
      expect(inactiveMembershipRefusal(viewer, mutation)).toBeNull();
    // Becoming a member (and public events) is open, except to a suspended organisation.
    for (const mutation of ['applyForMembership', 'registerForEvent', 'createCalendarFeed']) {
      expect(inactiveMembershipRefusal(viewer, mutation) === null).toBe(status !== 'SUSPENDED');
    }
  });

  it('wraps every Mutation resolver, plain or { resolve }, and fails closed without a viewer in the context', async () => {
    const resolvers = requireActiveMembership({
      Query: { hello: () => 'hi' },
      Mutation: { invitePerson: () => 'invited', changePersonRoles: { resolve: () => 'changed' } },
    });
    const suspended = { viewer: personaViewer('kent-admin', 'SUSPENDED') };
    const mutation = resolvers.Mutation as Record<string, any>;
    expect(() => mutation.invitePerson({}, {}, suspended, {})).toThrow(/SUSPENDED/);
    expect(() => mutation.changePersonRoles.resolve({}, {}, suspended, {})).toThrow(/SUSPENDED/);
    expect(mutation.invitePerson({}, {}, { viewer: personaViewer('kent-admin') }, {})).toBe('invited');
    expect(() => mutation.invitePerson({}, {}, {}, {})).toThrow(/carries no viewer/);
    expect(resolvers.Query.hello()).toBe('hi');
  });
});
