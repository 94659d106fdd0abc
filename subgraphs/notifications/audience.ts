import type { DomainEventFacts, DomainEventKind } from '../../platform/domain-events';
import type { OrganisationRole, PlatformRole } from '../../platform/identity';
import type { NotificationKind } from './generated/graphql';

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
  event: (id: string) => `/events/${id}`,
  supportRequest: (id: string) => `/support/${id}`,
  membership: (organisationId: string) => `/organisations/${organisationId}/membership`,
};

const words = (value: string) => value.toLowerCase().replace(/_/g, ' ');
const reasonText = (reason: string | null | undefined) => (reason ? ` Reason given: ${reason}` : '');

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
};
