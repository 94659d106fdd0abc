import type { OrganisationRole } from './identity';
import type { Nation } from './working-days';

/**
 * The catalogue of domain events (issue 25): each kind, and the facts it carries. A kind's name and
 * its facts are a contract with every consumer (the notifications subgraph first): add kinds and
 * optional facts freely; never rename a kind or drop or change a fact, since events already in an
 * outbox or on the broker still carry the old shape.
 *
 * Facts answer, without the consumer reading the source subgraph's tables: who is concerned
 * (organisation and person ids), what to call it in a message (titles), which ids a link needs, and
 * what limits who may be told. Limits are explicit facts the consumer must honour:
 *   - `askerAnonymous`: nobody but the asker's own organisation may learn who asked;
 *   - `memberOnly`: only people of active member organisations may read the event;
 *   - a supplier's assessment summary is for that supplier alone (`tenders[].supplierOrganisationId`).
 * Instants are ISO 8601 strings; days are `YYYY-MM-DD` (UK law counts days, not instants).
 */
export interface DomainEventFacts {
  // ------------------------------------------------------------------ innovations
  /** Sent for vetting (first submission, resubmission, or a revision of the listed version). */
  'innovation.submitted': InnovationFacts & { revision: boolean; round: number };
  /**
   * A certification added to an innovation (pending vetting or vetted with it). `expiresOn` is its
   * last valid day, null when it does not expire: the supplier is reminded before it lapses.
   */
  'certification.added': InnovationFacts & {
    certificationId: string;
    scheme: string;
    issuer: string;
    reference: string;
    expiresOn: string | null;
  };
  /** A pending certification withdrawn by the supplier: no reminder of its expiry is due any more. */
  'certification.withdrawn': InnovationFacts & { certificationId: string };
  /** Listed as proven (first approval; a revision's is `innovation.revision_approved`). */
  'innovation.approved': InnovationFacts & InnovationListingFacts & { reasons: string };
  /** Turned down, or sent back for changes (`outcome`); for a revision, the listed version stays listed. */
  'innovation.rejected': InnovationFacts & { outcome: 'REJECTED' | 'CHANGES_REQUESTED'; revision: boolean; reasons: string };
  /** The revision of a listed innovation approved: the new content is what is listed now. */
  'innovation.revision_approved': InnovationFacts & InnovationListingFacts & { reasons: string };
  /** An authority confirmed a deployment, trial or case study naming it. */
  'evidence.confirmed': EvidenceAnswerFacts;
  /** An authority disputed one. */
  'evidence.disputed': EvidenceAnswerFacts;
  /**
   * An assessor assigned to the current review round. Who assesses is the vetting record's, which
   * the supplier does not read: tell the assessor, not the supplier.
   */
  'assessor.assigned': InnovationFacts & { assessorPersonId: string; round: number; assignedByPersonId: string };
  /**
   * Saved catalogue searches a newly listed innovation matches (issue 25 item 6): on first approval,
   * and on a revision's approval for the searches the revised listing matches and the previous one
   * did not (`revision`). `matches` names each person to tell once (their saved search that matched,
   * an INSTANT one before a DAILY one), only people who may see the innovation: a listed innovation
   * is public, and the supplier's own people are left out. One approval matching many searches is
   * recorded as several events of at most `SAVED_SEARCH_MATCHES_PER_EVENT` matches each (`batch` of `batches`),
   * so no event outgrows the broker's message limit.
   */
  'catalogue_search.matched': InnovationFacts &
    InnovationListingFacts & { revision: boolean; batch: number; batches: number; matches: SavedSearchMatch[] };

  // ------------------------------------------------------------------ procurement
  /** A supplier's admission to a lot decided: admitted, refused, suspended, … (`decision`, with the reason given). */
  'admission.decided': {
    admissionId: string;
    supplierOrganisationId: string;
    routeId: string;
    routeReference: string;
    lotId: string;
    lotTitle: string;
    fromStatus: string;
    decision: string;
    reason: string | null;
    decidedByPersonId: string;
  };
  /**
   * A further competition or direct award published: the invited suppliers (and only they) may see
   * it; the buyer's team owns it.
   */
  'project.published': ProjectFacts & {
    routeId: string;
    lotId: string;
    invitedSupplierOrganisationIds: string[];
    clarificationClosesAt: string;
    responseDeadline: string;
    /**
     * The nations whose bank holidays the project's working days skip (its regime's calendar,
     * platform/working-days.ts), so a consumer counts days before its deadlines as procurement did.
     * Absent on events recorded before it was added: read as the whole UK (the Procurement Act's).
     */
    workingDayNations?: Nation[];
    /** The buyer who published it: not told of their own change. Absent on events recorded before it was added. */
    publishedByPersonId?: string;
  };
  /**
   * Saved opportunity searches a newly published project matches (issue 25 item 6). `matches` names
   * only people who may take the opportunity up: a supplier's people only when their organisation is
   * invited (a further competition is open to the invited suppliers alone); a public body's people on
   * the project's content (a published project is public). The buyer's own organisation is left out.
   * Batched as `catalogue_search.matched`.
   */
  'opportunity_search.matched': ProjectFacts & {
    routeId: string;
    lotId: string;
    responseDeadline: string | null;
    batch: number;
    batches: number;
    matches: SavedSearchMatch[];
  };
  /**
   * A project cancelled by its buyer (from draft or published, before a contract). Every invited
   * supplier may learn it; the reason is the buyer's, given to them.
   */
  'project.cancelled': ProjectFacts & {
    fromStatus: string;
    reason: string;
    invitedSupplierOrganisationIds: string[];
    cancelledByPersonId: string;
  };
  /**
   * A supplier submitted its response (first submission, or again after withdrawing; not an edit).
   * Sealed until the deadline: only the supplier's own people may be told of it, never the buyer or
   * another supplier which suppliers responded.
   */
  'response.submitted': ProjectFacts & {
    responseId: string;
    supplierOrganisationId: string;
    submittedByPersonId: string;
    resubmission: boolean;
  };
  /**
   * A supplier withdrew its response before the deadline: it is no tender until submitted again.
   * Sealed as `response.submitted`. Carries the deadline and its calendar so a consumer can remind
   * the supplier again.
   */
  'response.withdrawn': ProjectFacts & {
    responseId: string;
    supplierOrganisationId: string;
    withdrawnByPersonId: string;
    responseDeadline: string;
    workingDayNations: Nation[];
  };
  /**
   * A clarification question answered: every invited supplier may read the answer, never who asked
   * (`askerAnonymous` is always true: tell the asker "your question", everyone else "a question").
   */
  'clarification.answered': ProjectFacts & {
    questionId: string;
    askerPersonId: string;
    askerSupplierOrganisationId: string;
    askerAnonymous: true;
    invitedSupplierOrganisationIds: string[];
    /** The buyer who answered: not told of their own answer. Absent on events recorded before it was added. */
    answeredByPersonId?: string;
  };
  /**
   * The award decided. Each tender's supplier gets its own assessment summary, a notice the law
   * requires (Procurement Act 2023 s.50): it is that supplier's alone; no other supplier learns it.
   * A direct award has no tenders (`tenders` is empty).
   */
  'award.issued': ProjectFacts & {
    procedure: 'FURTHER_COMPETITION' | 'DIRECT_AWARD';
    awardedSupplierOrganisationId: string;
    awardValue: number;
    standstillObserved: boolean;
    /** The last day of the standstill (the day before the award when none is observed). */
    standstillEndsOn: string;
    tenders: { responseId: string; supplierOrganisationId: string; won: boolean }[];
    /** The buyer who issued it: their colleagues are told, not they. Absent on events recorded before it was added. */
    awardedByPersonId?: string;
  };
  /** A bidder challenged the award during the standstill: for the buyer's team. */
  'challenge.raised': ProjectFacts & {
    challengeId: string;
    challengerSupplierOrganisationId: string;
    raisedByPersonId: string;
  };
  /** The buyer answered a challenge: for the challenger; an upheld one withdrew the award. */
  'challenge.answered': ProjectFacts & {
    challengeId: string;
    challengerSupplierOrganisationId: string;
    outcome: string;
    awardWithdrawn: boolean;
    /**
     * The standstill's last day in force after the answer (a dismissal resumes it, possibly later);
     * null when the award was withdrawn. Absent on events recorded before it was added.
     */
    standstillEndsOn?: string | null;
    /** Challenges to the award still open after this answer: while any is, no contract is entered into. */
    openChallenges?: number;
    /** The buyer who answered. Absent on events recorded before it was added. */
    answeredByPersonId?: string;
  };
  /** The contract recorded (its details are published): for the buyer's team and the supplier. */
  'contract.recorded': ProjectFacts & {
    contractId: string;
    supplierOrganisationId: string;
    value: number;
    startsOn: string;
    endsOn: string;
    /** The buyer who recorded it: their colleagues are told, not they. Absent on events recorded before it was added. */
    recordedByPersonId?: string;
  };
  /**
   * A LIVE route reaches its expiry (issue 25 item 7): told 60 and 14 days before (`daysBefore`,
   * each moved back to a working day) and on the day itself (0, also when staff close it early),
   * by procurement's `route-retirement` job (subgraphs/procurement/services/route-retirement.ts),
   * which works out who loses what from its own admissions and shortlists at that moment. Routes
   * "remaining" are those LIVE on `expiresOn`.
   *   - `suppliers`: admitted suppliers with approved innovations (`innovations`, in `categories`)
   *     that will be available via no remaining route (an innovation is available via a route
   *     whose lot, with its supplier admitted, covers its category);
   *   - `projects`: open projects (draft or published, not awarded, contracted or cancelled) whose
   *     shortlisted `innovations` the buyer can buy through this route today and through no
   *     remaining route open to the buyer (its nation and organisation kind recorded on the project).
   */
  'route.retiring': {
    routeId: string;
    routeReference: string;
    routeName: string;
    /** The route's first day EXPIRED: buyers may buy through it until the day before. */
    expiresOn: string;
    daysBefore: 60 | 14 | 0;
    suppliers: { supplierOrganisationId: string; categories: string[]; innovations: { innovationId: string; title: string }[] }[];
    /** An innovation's `title` is null when the catalogue no longer lists it (withdrawn since it was shortlisted). */
    projects: {
      projectId: string;
      projectTitle: string;
      buyerOrganisationId: string;
      innovations: { innovationId: string; title: string | null }[];
    }[];
  };

  // ------------------------------------------------------------------ events
  /** A scheduled event moved: for everyone registered or waiting. */
  'event.rescheduled': EventFacts & { previousStartsAt: string; previousEndsAt: string };
  /** A scheduled event cancelled: for everyone registered or waiting. */
  'event.cancelled': EventFacts & { reason: string | null };
  /**
   * `personId` registered and has a confirmed place (a place from the waiting list is
   * `waiting_list.place_confirmed`; joining the waiting list records nothing).
   */
  'registration.confirmed': Omit<EventFacts, 'registeredPersonIds' | 'waitingPersonIds'> & { personId: string };
  /** `personId` cancelled a registration: confirmed (`wasConfirmed`) or a place on the waiting list. */
  'registration.cancelled': Omit<EventFacts, 'registeredPersonIds' | 'waitingPersonIds'> & { personId: string; wasConfirmed: boolean };
  /** A place freed up and went to `personId`, the next on the waiting list. */
  'waiting_list.place_confirmed': Omit<EventFacts, 'registeredPersonIds' | 'waitingPersonIds'> & { personId: string };
  /** Staff answered a support request: for the person who raised it. */
  'support_request.answered': {
    supportRequestId: string;
    subject: string;
    requesterPersonId: string;
    requesterOrganisationId: string;
    answeredByPersonId: string;
  };

  // ------------------------------------------------------------------ members
  /** An organisation applied for membership: for platform admins. */
  'membership.applied': MembershipFacts;
  /** A membership moved by a platform admin's decision (approved, rejected, suspended, …) or by leaving. */
  'membership.decided': MembershipFacts;
  /**
   * An invitation sent. The invitee has no person yet: `email` is where to write. The token is not
   * here (it is shown once to the inviter and kept only hashed), so a message cannot carry it.
   */
  'invitation.sent': {
    invitationId: string;
    organisationId: string;
    organisationName: string;
    email: string;
    invitedByPersonId: string;
    expiresAt: string;
  };
  /**
   * A person created in an organisation (today only by accepting an invitation): consumers that keep
   * their own directory of people (the notifications subgraph) learn of them here. `roles` are the
   * organisation roles; a person created this way holds no platform role.
   */
  'person.joined': {
    personId: string;
    organisationId: string;
    email: string;
    name: string;
    roles: OrganisationRole[];
    /** The invitation accepted, when that is how they joined. */
    invitationId: string | null;
  };
  /** A person's organisation roles replaced (`roles` is the new set, `previousRoles` the old). */
  'person.roles_changed': {
    personId: string;
    organisationId: string;
    roles: OrganisationRole[];
    previousRoles: OrganisationRole[];
    changedByPersonId: string;
  };
  /** A person removed from their organisation (and the IPS): they are told nothing more. */
  'person.removed': {
    personId: string;
    organisationId: string;
    removedByPersonId: string;
  };
}

export type DomainEventKind = keyof DomainEventFacts;

/** Every kind, for consumers that subscribe to all of them and for checks. */
export const domainEventKinds = [
  'innovation.submitted',
  'certification.added',
  'certification.withdrawn',
  'innovation.approved',
  'innovation.rejected',
  'innovation.revision_approved',
  'evidence.confirmed',
  'evidence.disputed',
  'assessor.assigned',
  'catalogue_search.matched',
  'admission.decided',
  'project.published',
  'opportunity_search.matched',
  'project.cancelled',
  'response.submitted',
  'response.withdrawn',
  'clarification.answered',
  'award.issued',
  'challenge.raised',
  'challenge.answered',
  'contract.recorded',
  'route.retiring',
  'event.rescheduled',
  'event.cancelled',
  'registration.confirmed',
  'registration.cancelled',
  'waiting_list.place_confirmed',
  'support_request.answered',
  'membership.applied',
  'membership.decided',
  'invitation.sent',
  'person.joined',
  'person.roles_changed',
  'person.removed',
] as const satisfies readonly DomainEventKind[];

/** The most matches one `…_search.matched` event carries (a few hundred bytes each, far below the broker's 1 MB). */
export const SAVED_SEARCH_MATCHES_PER_EVENT = 500;

/** One person to tell of a saved search's new match. */
export interface SavedSearchMatch {
  personId: string;
  savedSearchId: string;
  savedSearchName: string;
  /** INSTANT: told as it happens; DAILY: in the daily digest only. */
  frequency: 'INSTANT' | 'DAILY';
}

interface InnovationFacts {
  innovationId: string;
  title: string;
  supplierOrganisationId: string;
}

/** What saved searches match on (issue 25 item 6): the listed content. */
interface InnovationListingFacts {
  category: string;
  trl: number;
  tags: string[];
}

interface EvidenceAnswerFacts extends InnovationFacts {
  evidenceId: string;
  evidenceTitle: string;
  authorityOrganisationId: string;
  answeredByPersonId: string;
  note: string | null;
}

interface ProjectFacts {
  projectId: string;
  projectTitle: string;
  buyerOrganisationId: string;
}

interface EventFacts {
  eventId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  /** Only people of active member organisations may read it in the graph. */
  memberOnly: boolean;
  /** People with a confirmed place. */
  registeredPersonIds: string[];
  /** People on the waiting list. */
  waitingPersonIds: string[];
}

interface MembershipFacts {
  organisationId: string;
  fromStatus: string | null;
  toStatus: string;
  reason: string | null;
  decidedByPersonId: string;
  /** The organisation's name, for the message. Absent on events recorded before it was added. */
  organisationName?: string;
  /**
   * The organisation's kind (SUPPLIER, COUNTY_COUNCIL, …: platform/organisation-kinds.ts), so a consumer
   * that keeps its own directory can add an organisation it has not seen. Absent on events recorded before it was added.
   */
  organisationKind?: string;
  /**
   * The day the membership must be renewed by, as it stands after the change (set on approval,
   * moved on by reinstating a lapsed one; null while applying). Absent on events recorded before it was added.
   */
  renewalDueOn?: string | null;
}
