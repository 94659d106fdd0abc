import type { GraphQLFieldResolver } from 'graphql';
import { forbidden } from './errors';
import { isPlatformStaff, type Identity } from './identity';

/**
 * Only active members act through the IPS. The ONE rule, applied by every subgraph to every
 * mutation (platform/subgraph-server.ts wraps each subgraph's `Mutation` resolvers with
 * `requireActiveMembership` before building its schema, so a new mutation is covered without
 * anyone remembering to call it):
 *
 * - anonymous callers: not this rule's business (each mutation already refuses them, or, like
 *   `acceptInvitation`, decides for itself);
 * - platform staff: always allowed (they run the IPS, whatever their own organisation's record says);
 * - people of an ACTIVE member organisation: allowed;
 * - everyone else (their organisation's membership is APPLIED, LAPSED, LEFT, REJECTED, SUSPENDED,
 *   or it never applied): refused with FORBIDDEN, except for the mutations listed below.
 *
 * It lives in the subgraphs, not at the gateway, because subgraphs trust only the signed identity
 * the gateway asserts (which carries `membershipStatus`): the rule then holds whichever gateway
 * (Apollo, Hive) or internal caller reaches a subgraph. The gateway looks the identity up on every
 * request, so a suspension applies from the caller's next request.
 */

/**
 * Mutations that only give something up: leaving the membership, cancelling one's own event
 * registration, revoking one's own calendar feed, deleting one's own saved search. Open to every status, SUSPENDED included:
 * refusing them would keep a suspended member's seat taken and their feed alive.
 */
export const mutationsThatWithdraw: ReadonlySet<string> = new Set([
  'leaveMembership',
  'cancelEventRegistration',
  'revokeCalendarFeed',
  // Deleting one's own saved search (issue 25 item 6): fewer alerts, never more.
  'deleteSavedCatalogueSearch',
  'deleteSavedOpportunitySearch',
]);

/**
 * Mutations about becoming (or becoming again) a member, or open to the public anyway: applying
 * (and renewing a LAPSED membership, which is applying again), and registering for events and
 * following them in a calendar, where the events subgraph's own rule already limits a non-member
 * to PUBLIC events. Open to organisations that are not members (APPLIED, LAPSED, LEFT, REJECTED,
 * never applied) but NOT to a SUSPENDED one: suspension is the platform's sanction, and lifting
 * it is the platform's decision (`reinstateMembership`), not something the member does.
 */
export const mutationsForNonMembers: ReadonlySet<string> = new Set(['applyForMembership', 'registerForEvent', 'createCalendarFeed']);

/** Null when `viewer` may run the mutation `field`; otherwise why not. */
export function inactiveMembershipRefusal(viewer: Identity, field: string): string | null {
  if (!viewer || isPlatformStaff(viewer) || viewer.membershipStatus === 'ACTIVE') return null;
  if (mutationsThatWithdraw.has(field)) return null;
  const status = viewer.membershipStatus;
  if (status === 'SUSPENDED') {
    return `Your organisation's membership is SUSPENDED: it cannot act through the IPS until the platform reinstates it.`;
  }
  if (mutationsForNonMembers.has(field)) return null;
  const state = status === null ? 'is not a member' : `has a ${status} membership`;
  return `Your organisation ${state}: only active members act through the IPS; its admins may apply for membership.`;
}

type ResolverMap = Record<string, unknown>;

/**
 * The subgraph's resolvers with every `Mutation` field behind `inactiveMembershipRefusal`. A field
 * resolver is a function or `{ resolve }`; the refusal is a FORBIDDEN error on that field, before
 * the resolver (and so any database work) runs. The caller is read from the context's `viewer`,
 * which every subgraph context must carry (an error otherwise, so no subgraph skips the rule).
 */
export function requireActiveMembership<T extends object>(resolvers: T): T {
  const map = resolvers as ResolverMap;
  const mutation = map.Mutation as Record<string, unknown> | undefined;
  if (!mutation) return resolvers;
  const guarded: Record<string, unknown> = {};
  for (const [field, resolver] of Object.entries(mutation)) {
    const resolve = (typeof resolver === 'function' ? resolver : (resolver as { resolve?: unknown }).resolve) as
      GraphQLFieldResolver<unknown, { viewer?: Identity }> | undefined;
    if (!resolve) {
      guarded[field] = resolver;
      continue;
    }
    const checked: GraphQLFieldResolver<unknown, { viewer?: Identity }> = (source, args, context, info) => {
      // Fail closed: a subgraph whose context does not say who is asking would otherwise skip the rule.
      if (!('viewer' in context)) throw new Error(`The ${field} mutation's context carries no viewer; every subgraph context must.`);
      const refusal = inactiveMembershipRefusal(context.viewer ?? null, field);
      if (refusal) throw forbidden(refusal);
      return resolve(source, args, context, info);
    };
    guarded[field] = typeof resolver === 'function' ? checked : { ...(resolver as object), resolve: checked };
  }
  return { ...map, Mutation: guarded } as T;
}
