import type { DomainEventFacts, DomainEventKind, SavedSearchMatch } from '../../platform/domain-events';
import type { OrganisationRole, PlatformRole } from '../../platform/identity';
import type { NotificationKind } from './generated/graphql';
import { longDay } from './reminders/plan';

/**
 * Who is told what, for each kind of domain event: the one table to read (issue 25 item 3). It
 * decides from the event's facts alone; services/delivery.ts turns the recipients into people with
 * the subgraph's own directory (members' roles and memberships, kept from members' events), then
 * applies the rules every notice obeys:
 *
 *   - the person who caused the event (`causedBy`) is never told of it;
 *   - a member-only event (`membersOnly`) is told only to people of ACTIVE member organisations;
 *   - removed people are told nothing;
 *   - each person's preferences choose the channels (services/preferences.ts), except for notices
 *     the law requires (notices.ts).
 *
 * What no rule may do, and none does: name an anonymous asker to anyone outside the asker's
 * organisation (clarifications say "a question" to the others), tell a supplier another supplier's
 * assessment summary (each tender is told to its own supplier only), or say anything of a sealed
 * response (no event carries its content). A kind missing here tells nobody (`invitation.sent`:
 * the invitee has no account yet, and the invitation's token is not in the event, so a message
 * could not let them accept it).
 */
export type Recipients =
  /** These people. */
  | { people: readonly string[] }
  /** The people of these organisations: everyone, or only those with one of `roles`. */
  | { organisations: readonly string[]; roles?: readonly OrganisationRole[] }
  /** Platform staff with this role. */
  | { platformRole: PlatformRole };

export interface Notice {
  kind: NotificationKind;
  to: Recipients;
  title: string;
  body: string;
  /** A path in the front end. */
  link: string;
  /**
   * Emailed only in the daily digest, whatever the person's preference for the kind says about
   * timing (a DAILY saved search): the inbox line still follows the preference.
   */
  digestOnly?: boolean;
}

export interface AudienceRule<K extends DomainEventKind> {
  /** The person whose action the event records, when the facts say: never told of it. */
  causedBy?(facts: DomainEventFacts[K]): string | null;
  /** Only people of ACTIVE member organisations may be told (what the graph lets them read). */
  membersOnly?(facts: DomainEventFacts[K]): boolean;
  notices(facts: DomainEventFacts[K]): Notice[];
}

/** Who acts for a buyer on a project. */
const buyersTeam: readonly OrganisationRole[] = ['ORG_ADMIN', 'BUYER'];

const links = {
  innovation: (id: string) => `/innovations/${id}`,
  project: (id: string) => `/procurement/projects/${id}`,
  admission: (routeId: string, lotId: string) => `/procurement/routes/${routeId}/lots/${lotId}`,
  route: (id: string) => `/procurement/routes/${id}`,
  event: (id: string) => `/events/${id}`,
  supportRequest: (id: string) => `/support/${id}`,
  membership: (organisationId: string) => `/organisations/${organisationId}/membership`,
};

const words = (value: string) => value.toLowerCase().replace(/_/g, ' ');
const reasonText = (reason: string | null | undefined) => (reason ? ` Reason given: ${reason}` : '');
/** "a, b and c". */
const listed = (items: readonly string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
/** How many innovations a route retirement notice names before "and N more". */
const namedInnovations = 5;
/** Who acts for a supplier on routes: its admins and contributors. */
const suppliersTeam: readonly OrganisationRole[] = ['ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR'];

/**
 * A route reaching its expiry, in the words of the notice `daysBefore` it (procurement decided who
 * loses what: the facts name only them). One notice per organisation (a person is told of one
 * event once per kind): each supplier its own categories, each buyer all its projects concerned.
 */
function routeRetiringNotices(f: DomainEventFacts['route.retiring']): Notice[] {
  const route = `${f.routeReference} (${f.routeName})`;
  const title =
    f.daysBefore === 0 ? `Route expired today: ${f.routeReference}` : `Route expires on ${longDay(f.expiresOn)}: ${f.routeReference}`;
  const when =
    f.daysBefore === 0
      ? `${route} expired today, ${longDay(f.expiresOn)}: nobody can buy through it any more.`
      : `${route} expires on ${longDay(f.expiresOn)}: buyers can buy through it until the day before.`;
  const after = f.daysBefore === 0 ? 'Now' : 'Once it expires';
  const byBuyer = new Map<string, DomainEventFacts['route.retiring']['projects']>();
  for (const project of f.projects)
    byBuyer.set(project.buyerOrganisationId, [...(byBuyer.get(project.buyerOrganisationId) ?? []), project]);
  // A few titles by name, so a long list stays a sentence.
  const titled = (innovations: readonly { title: string | null }[]) => {
    const named = innovations.slice(0, namedInnovations).map((i) => i.title ?? 'an innovation no longer listed');
    const more = innovations.length - named.length;
    return listed(more > 0 ? [...named, `${more} more`] : named);
  };
  const will = (one: boolean) => (f.daysBefore === 0 ? (one ? 'is' : 'are') : 'will be');
  return [
    ...f.suppliers.map((supplier): Notice => ({
      kind: 'ROUTE_RETIRING',
      to: { organisations: [supplier.supplierOrganisationId], roles: suppliersTeam },
      title,
      body:
        `${when} ${after}, your organisation's ${titled(supplier.innovations)} (${listed(supplier.categories.map(words))}) ` +
        `${will(supplier.innovations.length === 1)} available via no route on the IPS: it is admitted to no other live route covering ` +
        `${supplier.categories.length === 1 ? 'that category' : 'those categories'}. Apply to a lot of another route to keep ${supplier.innovations.length === 1 ? 'it' : 'them'} buyable.`,
      link: links.route(f.routeId),
    })),
    ...[...byBuyer].map(([buyerOrganisationId, projects]): Notice => ({
      kind: 'ROUTE_RETIRING',
      to: { organisations: [buyerOrganisationId], roles: buyersTeam },
      title,
      body:
        `${when} ${after}, innovations shortlisted on your organisation's open projects ${f.daysBefore === 0 ? 'can' : 'will'} be bought through no route open to it: ` +
        `${projects.map((p) => `on ${p.projectTitle}, ${titled(p.innovations)}`).join('; ')}.`,
      link: links.route(f.routeId),
    })),
  ];
}

export const audience: { [K in DomainEventKind]?: AudienceRule<K> } = {
  // ---------------------------------------------------------------- innovations
  'innovation.submitted': {
    notices: (f) => [
      {
        kind: 'INNOVATION_SUBMITTED',
        to: { platformRole: 'PLATFORM_ADMIN' },
        title: `${f.revision ? 'Revision submitted' : 'Submitted for vetting'}: ${f.title}`,
        body: `${f.title} was ${f.revision ? 'revised and ' : ''}sent for vetting (round ${f.round}). Assign assessors to review it.`,
        link: links.innovation(f.innovationId),
      },
    ],
  },
  'innovation.approved': {
    notices: (f) => [
      {
        kind: 'INNOVATION_APPROVED',
        to: { organisations: [f.supplierOrganisationId] },
        title: `Innovation approved: ${f.title}`,
        body: `${f.title} is now listed in the catalogue as proven.${reasonText(f.reasons)}`,
        link: links.innovation(f.innovationId),
      },
    ],
  },
  'innovation.rejected': {
    notices: (f) => [
      {
        kind: 'INNOVATION_REJECTED',
        to: { organisations: [f.supplierOrganisationId] },
        title: `${f.outcome === 'CHANGES_REQUESTED' ? 'Changes requested' : 'Not approved'}: ${f.title}`,
        body:
          (f.outcome === 'CHANGES_REQUESTED'
            ? `The assessors asked for changes to ${f.revision ? 'the revision of ' : ''}${f.title} before it can be approved.`
            : `${f.revision ? 'The revision of ' : ''}${f.title} was not approved.${f.revision ? ' The listed version stays listed.' : ''}`) +
          reasonText(f.reasons),
        link: links.innovation(f.innovationId),
      },
    ],
  },
  'innovation.revision_approved': {
    notices: (f) => [
      {
        kind: 'INNOVATION_REVISION_APPROVED',
        to: { organisations: [f.supplierOrganisationId] },
        title: `Revision approved: ${f.title}`,
        body: `The catalogue now lists the revised ${f.title}.${reasonText(f.reasons)}`,
        link: links.innovation(f.innovationId),
      },
    ],
  },
  'evidence.confirmed': {
    causedBy: (f) => f.answeredByPersonId,
    notices: (f) => [
      {
        kind: 'EVIDENCE_CONFIRMED',
        to: { organisations: [f.supplierOrganisationId] },
        title: `Evidence confirmed: ${f.evidenceTitle}`,
        body: `The authority confirmed "${f.evidenceTitle}" for ${f.title}.${f.note ? ` Its note: ${f.note}` : ''}`,
        link: links.innovation(f.innovationId),
      },
    ],
  },
  'evidence.disputed': {
    causedBy: (f) => f.answeredByPersonId,
    notices: (f) => [
      {
        kind: 'EVIDENCE_DISPUTED',
        to: { organisations: [f.supplierOrganisationId] },
        title: `Evidence disputed: ${f.evidenceTitle}`,
        body: `The authority disputed "${f.evidenceTitle}" for ${f.title}.${f.note ? ` Its note: ${f.note}` : ''}`,
        link: links.innovation(f.innovationId),
      },
    ],
  },
  // Who assesses is the vetting record's: the assessor is told, never the supplier.
  'assessor.assigned': {
    causedBy: (f) => f.assignedByPersonId,
    notices: (f) => [
      {
        kind: 'ASSESSOR_ASSIGNED',
        to: { people: [f.assessorPersonId] },
        title: `Assessment assigned: ${f.title}`,
        body: `You were assigned to assess ${f.title} (round ${f.round}).`,
        link: links.innovation(f.innovationId),
      },
    ],
  },

  // ---------------------------------------------------------------- procurement
  'admission.decided': {
    causedBy: (f) => f.decidedByPersonId,
    notices: (f) => [
      {
        kind: 'ADMISSION_DECIDED',
        to: { organisations: [f.supplierOrganisationId] },
        title: `Admission ${words(f.decision)}: ${f.routeReference}, ${f.lotTitle}`,
        body: `Your organisation's admission to ${f.lotTitle} (${f.routeReference}) is now ${words(f.decision)}.${reasonText(f.reason)}`,
        link: links.admission(f.routeId, f.lotId),
      },
    ],
  },
  // Only the invited suppliers may see a published project.
  'project.published': {
    causedBy: (f) => f.publishedByPersonId ?? null,
    notices: (f) => [
      {
        kind: 'PROJECT_PUBLISHED',
        to: { organisations: f.invitedSupplierOrganisationIds },
        title: `Opportunity published: ${f.projectTitle}`,
        body: `Your organisation is invited to respond to ${f.projectTitle}. Clarification questions close ${f.clarificationClosesAt}; responses are due ${f.responseDeadline}.`,
        link: links.project(f.projectId),
      },
    ],
  },
  // The asker is anonymous: the asker's organisation hears "your question", everyone else "a question".
  'clarification.answered': {
    causedBy: (f) => f.answeredByPersonId ?? null,
    notices: (f) => [
      {
        kind: 'CLARIFICATION_ANSWERED',
        to: { organisations: [f.askerSupplierOrganisationId] },
        title: `Your question was answered: ${f.projectTitle}`,
        body: `The buyer answered your organisation's clarification question on ${f.projectTitle}. Every invited supplier can read the answer; nobody is told who asked.`,
        link: links.project(f.projectId),
      },
      {
        kind: 'CLARIFICATION_ANSWERED',
        to: { organisations: f.invitedSupplierOrganisationIds.filter((id) => id !== f.askerSupplierOrganisationId) },
        title: `A question was answered: ${f.projectTitle}`,
        body: `The buyer answered a clarification question on ${f.projectTitle}. Read the answer before you respond.`,
        link: links.project(f.projectId),
      },
    ],
  },
  // The buyer's team hears of the award; each tenderer gets its own assessment summary and no one else's.
  'award.issued': {
    causedBy: (f) => f.awardedByPersonId ?? null,
    notices: (f) => [
      {
        kind: 'AWARD_ISSUED',
        to: { organisations: [f.buyerOrganisationId], roles: buyersTeam },
        title: `Award issued: ${f.projectTitle}`,
        body: f.standstillObserved
          ? `The award of ${f.projectTitle} was issued. The standstill ends at the end of ${f.standstillEndsOn}; record the contract after that.`
          : `The award of ${f.projectTitle} was issued with no standstill; the contract can be recorded.`,
        link: links.project(f.projectId),
      },
      ...f.tenders.map((tender): Notice => ({
        kind: 'ASSESSMENT_SUMMARY',
        to: { organisations: [tender.supplierOrganisationId] },
        title: `${tender.won ? 'Your tender won' : 'Your tender was not successful'}: ${f.projectTitle}`,
        body:
          `${tender.won ? 'The buyer intends to award the contract to your organisation.' : 'The buyer intends to award the contract to another supplier.'} ` +
          `Your assessment summary (Procurement Act 2023 s.50) sets out how your tender was scored.` +
          (f.standstillObserved ? ` The standstill ends at the end of ${f.standstillEndsOn}.` : ''),
        link: links.project(f.projectId),
      })),
      ...(f.procedure === 'DIRECT_AWARD'
        ? [
            {
              kind: 'AWARD_ISSUED' as const,
              to: { organisations: [f.awardedSupplierOrganisationId] },
              title: `Contract awarded to you: ${f.projectTitle}`,
              body: `The buyer awarded ${f.projectTitle} to your organisation directly.`,
              link: links.project(f.projectId),
            },
          ]
        : []),
    ],
  },
  'challenge.raised': {
    causedBy: (f) => f.raisedByPersonId,
    notices: (f) => [
      {
        kind: 'CHALLENGE_RAISED',
        to: { organisations: [f.buyerOrganisationId], roles: buyersTeam },
        title: `Award challenged: ${f.projectTitle}`,
        body: `A bidder challenged the award of ${f.projectTitle}. The contract cannot be recorded until the challenge is answered.`,
        link: links.project(f.projectId),
      },
    ],
  },
  'challenge.answered': {
    causedBy: (f) => f.answeredByPersonId ?? null,
    notices: (f) => [
      {
        kind: 'CHALLENGE_ANSWERED',
        to: { organisations: [f.challengerSupplierOrganisationId] },
        title: `Your challenge was answered: ${f.projectTitle}`,
        body: `The buyer answered your organisation's challenge: ${words(f.outcome)}.${f.awardWithdrawn ? ' The award was withdrawn.' : ''}`,
        link: links.project(f.projectId),
      },
    ],
  },
  'contract.recorded': {
    causedBy: (f) => f.recordedByPersonId ?? null,
    notices: (f) => [
      {
        kind: 'CONTRACT_RECORDED',
        to: { organisations: [f.buyerOrganisationId], roles: buyersTeam },
        title: `Contract recorded: ${f.projectTitle}`,
        body: `The contract for ${f.projectTitle} was recorded, running ${f.startsOn} to ${f.endsOn}.`,
        link: links.project(f.projectId),
      },
      {
        kind: 'CONTRACT_RECORDED',
        to: { organisations: [f.supplierOrganisationId] },
        title: `Contract recorded: ${f.projectTitle}`,
        body: `Your organisation's contract for ${f.projectTitle} was recorded, running ${f.startsOn} to ${f.endsOn}.`,
        link: links.project(f.projectId),
      },
    ],
  },
  'route.retiring': { notices: routeRetiringNotices },

  // ---------------------------------------------------------------- events
  'event.rescheduled': {
    membersOnly: (f) => f.memberOnly,
    notices: (f) => [
      {
        kind: 'EVENT_RESCHEDULED',
        to: { people: [...f.registeredPersonIds, ...f.waitingPersonIds] },
        title: `Event moved: ${f.title}`,
        body: `${f.title} has moved: it now starts ${f.startsAt} (it was ${f.previousStartsAt}). Your place is kept.`,
        link: links.event(f.eventId),
      },
    ],
  },
  'event.cancelled': {
    membersOnly: (f) => f.memberOnly,
    notices: (f) => [
      {
        kind: 'EVENT_CANCELLED',
        to: { people: [...f.registeredPersonIds, ...f.waitingPersonIds] },
        title: `Event cancelled: ${f.title}`,
        body: `${f.title}, planned for ${f.startsAt}, is cancelled.${reasonText(f.reason)}`,
        link: links.event(f.eventId),
      },
    ],
  },
  'waiting_list.place_confirmed': {
    membersOnly: (f) => f.memberOnly,
    notices: (f) => [
      {
        kind: 'WAITING_LIST_PLACE_CONFIRMED',
        to: { people: [f.personId] },
        title: `You have a place: ${f.title}`,
        body: `A place came free at ${f.title} (${f.startsAt}) and it is yours. Cancel your registration if you can no longer come.`,
        link: links.event(f.eventId),
      },
    ],
  },
  'support_request.answered': {
    causedBy: (f) => f.answeredByPersonId,
    notices: (f) => [
      {
        kind: 'SUPPORT_REQUEST_ANSWERED',
        to: { people: [f.requesterPersonId] },
        title: `Support request answered: ${f.subject}`,
        body: `Staff answered your support request "${f.subject}".`,
        link: links.supportRequest(f.supportRequestId),
      },
    ],
  },

  // ---------------------------------------------------------------- members
  'membership.applied': {
    causedBy: (f) => f.decidedByPersonId,
    notices: (f) => [
      {
        kind: 'MEMBERSHIP_APPLIED',
        to: { platformRole: 'PLATFORM_ADMIN' },
        title: 'Membership application to decide',
        body: 'An organisation applied for membership of the IPS. Approve or reject the application.',
        link: links.membership(f.organisationId),
      },
    ],
  },
  'membership.decided': {
    causedBy: (f) => f.decidedByPersonId,
    notices: (f) => [
      {
        kind: 'MEMBERSHIP_DECIDED',
        to: { organisations: [f.organisationId] },
        title: `Membership ${words(f.toStatus)}`,
        body: `Your organisation's membership of the IPS is now ${words(f.toStatus)}.${reasonText(f.reason)}`,
        link: links.membership(f.organisationId),
      },
    ],
  },

  // ---------------------------------------------------------------- saved searches (issue 25 item 6)
  // The source subgraph matched and named the people who may see the thing; each is told once.
  'catalogue_search.matched': {
    notices: (f) =>
      savedSearchNotices(f.matches, {
        kind: 'CATALOGUE_SEARCH_MATCHED',
        title: `New in the catalogue: ${f.title}`,
        body: `${f.title} (${words(f.category)}, TRL ${f.trl}) ${f.revision ? 'was revised and' : 'is now listed as proven and'} matches a catalogue search you saved.`,
        link: links.innovation(f.innovationId),
      }),
  },
  'opportunity_search.matched': {
    notices: (f) =>
      savedSearchNotices(f.matches, {
        kind: 'OPPORTUNITY_SEARCH_MATCHED',
        title: `Opportunity matching your search: ${f.projectTitle}`,
        body: `${f.projectTitle} was published and matches an opportunity search you saved.${f.responseDeadline ? ` Responses are due ${f.responseDeadline}.` : ''}`,
        link: links.project(f.projectId),
      }),
  },
};

/**
 * A saved search's matches as at most two notices, whatever their number: the INSTANT ones, and
 * the DAILY ones emailed only in the digest. One text for all (not each search's name), so a
 * batch of hundreds is two inserts, not hundreds.
 */
function savedSearchNotices(matches: readonly SavedSearchMatch[], notice: Omit<Notice, 'to' | 'digestOnly'>): Notice[] {
  const instant = matches.filter((m) => m.frequency === 'INSTANT').map((m) => m.personId);
  const daily = matches.filter((m) => m.frequency === 'DAILY').map((m) => m.personId);
  return [
    ...(instant.length > 0 ? [{ ...notice, to: { people: instant } }] : []),
    ...(daily.length > 0 ? [{ ...notice, to: { people: daily }, digestOnly: true }] : []),
  ];
}
