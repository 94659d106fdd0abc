import { dayOf } from '../../platform/clock';
import { belongsTo, type Identity } from '../../platform/identity';
import { defineStatusMachine } from '../../platform/transitions';
import type { AdmissionStatus } from './entities/admission.entity';
import type { ProcurementProject as ProjectRow } from './entities/project.entity';
import type { ProcurementResponse as ResponseRow } from './entities/response.entity';
import type { RouteKind, RouteStatus } from './generated/graphql';
import type { StandstillChallengeStatus } from './loaders/challenge.loader';
import { actsForSupplier, isBuyerTeam, isInvited, projectStatus, type ProjectFacts, type ProjectStatus } from './policy';
import { isDynamicRoute } from './services/route-lifecycle';

/**
 * The procurement subgraph's status machines (platform/transitions.ts): a project's competition,
 * a response's standing and moderation, clarification questions, standstill challenges, supplier
 * admissions and routes. The services refuse from these tables (CONFLICT with `currentStatus`),
 * and the `viewerCan` fields (`ProcurementProjectCapabilities`, `ProcurementResponseCapabilities`,
 * `viewerCanAnswer`) read them, so what a front end is told it may do is what the mutation allows.
 * Who may act is policy.ts; each action names it (`who`) where it depends on the viewer and the
 * record alone.
 */

/** A project as its rules judge it: the status now (the clock moves a published one on), and the facts its rules read. */
export interface ProjectSubject {
  project: ProjectRow;
  status: ProjectStatus;
  now: Date;
  /** `now` as a day, for the standstill's dates. */
  today: string;
  facts: ProjectFacts;
}

const noFacts: ProjectFacts = { invitedSupplierIds: [], declarations: new Map() };

/**
 * The project at `now`, with the facts of the viewer's invitations and declarations; rules that
 * read no facts (the buyer's team's) may be asked without them.
 */
export function projectSubject(project: ProjectRow, now: Date, facts: ProjectFacts = noFacts): ProjectSubject {
  return { project, status: projectStatus(project, now), now, today: dayOf(now), facts };
}

const buyerTeam = (viewer: Identity, { project }: { project: ProjectRow }) => isBuyerTeam(viewer, project);
const invitedSupplier = (viewer: Identity, { facts }: ProjectSubject) =>
  !!viewer && actsForSupplier(viewer, viewer.organisationId) && isInvited(viewer, facts.invitedSupplierIds);

/** What a bidder is told when the standstill does not take a challenge now, by the refusal's `reason`. */
const challengeWindowClosed = {
  NOT_IN_STANDSTILL: 'A challenge can be raised only during the standstill after an award.',
  NO_STANDSTILL: 'The buyer declined the voluntary standstill for this award, so there is no standstill to challenge in.',
  STANDSTILL_OVER: 'The standstill is over; a challenge can no longer be raised here.',
  CONTRACT_RECORDED: 'The contract has been recorded; a challenge can no longer be raised here.',
} as const;

/**
 *   DRAFT --publish--> PUBLISHED → CLARIFICATION → EVALUATION (by the clock) --award--> AWARDED
 *   DRAFT --award (a direct award)--> AWARDED --recordContract (after the standstill)--> CONTRACTED
 *   any status before CONTRACTED --cancel--> CANCELLED
 * and what each status allows in between: questions, answers, responses, declarations, scores.
 * Each action is (who) and (when); mutations check the two apart, who first (FORBIDDEN or
 * UNAUTHENTICATED), then when (CONFLICT), and `viewerCan` asks both.
 */
export const projectMachine = defineStatusMachine({
  statuses: ['DRAFT', 'PUBLISHED', 'CLARIFICATION', 'EVALUATION', 'AWARDED', 'CONTRACTED', 'CANCELLED'] satisfies ProjectStatus[],
  statusOf: (subject: ProjectSubject) => subject.status,
  refused: ({ current, action }) => `A ${current} procurement project does not allow this (${action}).`,
  actions: {
    publish: {
      from: ({ project }) => (project.procedure === 'FURTHER_COMPETITION' ? ['DRAFT'] : []),
      to: 'PUBLISHED',
      who: buyerTeam,
    },
    /** At any stage before the contract, during the standstill too. */
    cancel: { from: ['DRAFT', 'PUBLISHED', 'CLARIFICATION', 'EVALUATION', 'AWARDED'], to: 'CANCELLED', who: buyerTeam },
    ask: { from: ['PUBLISHED'], who: invitedSupplier },
    answer: { from: ['PUBLISHED', 'CLARIFICATION'], who: buyerTeam },
    respond: { from: ['PUBLISHED', 'CLARIFICATION'], who: invitedSupplier },
    /** Until the deadline, as responding; its own refusal (`ResponsesClosed`) says when the deadline passed. */
    withdrawResponse: {
      from: ['PUBLISHED', 'CLARIFICATION'],
      who: invitedSupplier,
      refused: ({ current, subject: { project, now } }) =>
        project.responseDeadline && now >= project.responseDeadline
          ? `The response deadline passed at ${project.responseDeadline.toISOString()}; a response can no longer be withdrawn.`
          : `A ${current} procurement project takes no withdrawals.`,
      facts: ({ subject: { project } }) => ({
        refusalType: 'ResponsesClosed',
        responseDeadline: project.responseDeadline?.toISOString() ?? null,
      }),
    },
    declareConflicts: { from: ['EVALUATION'], who: buyerTeam },
    /** Scoring at all: a member of the buyer's team who declared no conflict with at least one responding supplier. */
    evaluate: {
      from: ['EVALUATION'],
      who: (viewer, subject) => buyerTeam(viewer, subject) && [...subject.facts.declarations.values()].includes(false),
    },
    award: {
      from: ({ project }) => (project.procedure === 'DIRECT_AWARD' ? ['DRAFT'] : ['EVALUATION']),
      to: 'AWARDED',
      who: buyerTeam,
    },
    recordContract: {
      from: ['AWARDED'],
      to: 'CONTRACTED',
      who: buyerTeam,
      guards: [
        { holds: ({ project }) => !!project.standstillEndsOn },
        {
          holds: ({ project, today }) => today > project.standstillEndsOn!,
          refused: ({ subject: { project } }) =>
            `The standstill runs until ${project.standstillEndsOn}; the contract can be recorded from the next day.`,
          facts: ({ subject: { project } }) => ({ refusalType: 'StandstillRunning', standstillEndsOn: project.standstillEndsOn }),
        },
      ],
    },
    /** Only while the project is AWARDED, the standstill observed and not over; who is a bidder (`mayRaiseStandstillChallenge`). */
    raiseStandstillChallenge: {
      from: ['AWARDED'],
      refused: ({ current }) => challengeWindowClosed[current === 'CONTRACTED' ? 'CONTRACT_RECORDED' : 'NOT_IN_STANDSTILL'],
      facts: ({ current }) => ({ reason: current === 'CONTRACTED' ? 'CONTRACT_RECORDED' : 'NOT_IN_STANDSTILL' }),
      guards: [
        {
          holds: ({ project }) => project.standstillObserved,
          refused: () => challengeWindowClosed.NO_STANDSTILL,
          facts: () => ({ reason: 'NO_STANDSTILL' }),
        },
        {
          holds: ({ project, today }) => !!project.standstillEndsOn && today <= project.standstillEndsOn,
          refused: () => challengeWindowClosed.STANDSTILL_OVER,
          facts: () => ({ reason: 'STANDSTILL_OVER' }),
        },
      ],
    },
  },
});

export type ProjectAction = (typeof projectMachine.actions)[number];

/**
 * Withdrawing a response: the responding supplier's own people (an invited supplier's, as for
 * responding), while responses are accepted (`withdrawResponse`: before the deadline).
 */
export function mayWithdrawResponse(viewer: Identity, project: ProjectSubject, response: Pick<ResponseRow, 'supplierId'>): boolean {
  return projectMachine.permits('withdrawResponse', viewer, project) && belongsTo(viewer, response.supplierId);
}

/**
 * A response's standing: SUBMITTED, or WITHDRAWN by its supplier before the deadline (submitting
 * again reinstates it). A withdrawn response is no tender: not evaluated, never awarded.
 */
export const tenderMachine = defineStatusMachine({
  statuses: ['SUBMITTED', 'WITHDRAWN'],
  statusOf: (response: Pick<ResponseRow, 'withdrawnAt'>) => (response.withdrawnAt ? 'WITHDRAWN' : 'SUBMITTED'),
  refused: ({ current, verb }) => `A ${current} response cannot ${verb}.`,
  actions: {
    withdraw: { from: ['SUBMITTED'], to: 'WITHDRAWN', refused: () => 'This response is already withdrawn; submit again to reinstate it.' },
    evaluate: {
      from: ['SUBMITTED'],
      refused: () => 'This response was withdrawn by its supplier before the deadline; it is not evaluated.',
    },
    award: { from: ['SUBMITTED'], refused: () => 'This response was withdrawn by its supplier before the deadline; it cannot be awarded.' },
  },
});

/** A response's scores: open to its evaluators until the moderator agrees one per criterion, fixed from then. */
export const moderationMachine = defineStatusMachine({
  statuses: ['UNMODERATED', 'MODERATED'],
  statusOf: (response: Pick<ResponseRow, 'moderatedAt' | 'version'>) => (response.moderatedAt ? 'MODERATED' : 'UNMODERATED'),
  refused: ({ current, verb }) => `A ${current} response cannot ${verb}.`,
  actions: {
    score: {
      from: ['UNMODERATED'],
      refused: () => 'This response has been moderated; its scores are fixed.',
      facts: () => ({ reason: 'MODERATED' }),
    },
    moderate: {
      from: ['UNMODERATED'],
      to: 'MODERATED',
      refused: () => 'This response has already been moderated; its agreed scores are fixed.',
      facts: ({ subject }) => ({ reason: 'ALREADY_MODERATED', currentVersion: subject.version }),
    },
  },
});

/** A clarification question: asked, then answered once (by the buyer's team, `projectMachine` answer). */
export const questionMachine = defineStatusMachine({
  statuses: ['ASKED', 'ANSWERED'],
  statusOf: (question: { answer: string | null }) => (question.answer === null ? 'ASKED' : 'ANSWERED'),
  refused: () => 'This question has already been answered.',
  actions: { answer: { from: ['ASKED'], to: 'ANSWERED' } },
});

/**
 * A standstill challenge: OPEN --answer--> UPHELD | DISMISSED (the outcome decides); OPEN → LAPSED
 * when the award it challenged goes (another challenge upheld, the project cancelled). Who answers
 * is `mayAnswerStandstillChallenge`.
 */
export const challengeMachine = defineStatusMachine({
  statuses: ['OPEN', 'UPHELD', 'DISMISSED', 'LAPSED'] satisfies StandstillChallengeStatus[],
  statusOf: (challenge: { status: StandstillChallengeStatus }) => challenge.status,
  refused: ({ current }) => `This challenge is no longer open: it was ${current!.toLowerCase()}.`,
  actions: { answer: { from: ['OPEN'], facts: () => ({ reason: 'CHALLENGE_CLOSED' }) } },
});

/** Whoever may award answers a challenge to the award: the buyer's team (`projectMachine` award). */
export function mayAnswerStandstillChallenge(viewer: Identity, project: ProjectRow): boolean {
  return buyerTeam(viewer, { project });
}

/**
 * A supplier's admission to a lot. It applies (again, after a rejection or an expiry) through its
 * ORG_ADMIN; PLATFORM_ADMIN decides (policy.ts `canApplyForAdmission`, `canDecideAdmission`).
 *   (none) | REJECTED | EXPIRED --apply--> APPLIED --admit--> ADMITTED --suspend--> SUSPENDED --admit--> ADMITTED
 *   APPLIED --reject--> REJECTED;  ADMITTED | SUSPENDED --expire--> EXPIRED
 * (A standing admission is also EXPIRED, without a decision, once its route has expired.)
 */
export const admissionMachine = defineStatusMachine({
  statuses: ['APPLIED', 'ADMITTED', 'SUSPENDED', 'REJECTED', 'EXPIRED'] satisfies AdmissionStatus[],
  statusOf: (admission: { status: AdmissionStatus | null }) => admission.status,
  refused: ({ current, to }) => `An admission ${current} cannot become ${to}.`,
  actions: {
    apply: {
      from: [null, 'REJECTED', 'EXPIRED'],
      to: 'APPLIED',
      refused: ({ current }) => `Your organisation's admission to this lot is already ${current}.`,
    },
    admit: { from: ['APPLIED', 'SUSPENDED'], to: 'ADMITTED' },
    reject: { from: ['APPLIED'], to: 'REJECTED' },
    suspend: { from: ['ADMITTED'], to: 'SUSPENDED' },
    expire: { from: ['ADMITTED', 'SUSPENDED'], to: 'EXPIRED' },
  },
});

/** The decisions staff take on an admission (`decideAdmission`): every action but the supplier's own. */
export const admissionDecisions = ['admit', 'reject', 'suspend', 'expire'] as const;

/**
 * A route's status follows from its dates (route-lifecycle.ts); staff may also move it on now, one
 * step at a time, or expire it early. A DPS or dynamic market has no closed evaluation: OPEN → LIVE.
 *   COMING → OPEN → PENDING → STANDSTILL → LIVE → EXPIRED;  STANDSTILL → EXPIRED
 * An expired route is a closed record: no new lots, no edits to its lots. Applications to its lots
 * are taken while it is open (and, for a dynamic route, live).
 */
export const routeMachine = defineStatusMachine({
  statuses: ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED'] satisfies RouteStatus[],
  statusOf: (route: { kind: RouteKind; status: RouteStatus; reference: string }) => route.status,
  refused: ({ current, to }) => `A ${current} route cannot become ${to}.`,
  actions: {
    open: { from: ['COMING'], to: 'OPEN' },
    closeApplications: { from: (route) => (isDynamicRoute(route) ? [] : ['OPEN']), to: 'PENDING' },
    beginStandstill: { from: ['PENDING'], to: 'STANDSTILL' },
    goLive: { from: (route) => (isDynamicRoute(route) ? ['OPEN', 'STANDSTILL'] : ['STANDSTILL']), to: 'LIVE' },
    expire: { from: ['STANDSTILL', 'LIVE'], to: 'EXPIRED' },
    /** Suppliers apply to its lots: a framework (and every other kind) only while OPEN, a DPS or dynamic market while open or live. */
    takeApplications: {
      from: (route) => (isDynamicRoute(route) ? ['OPEN', 'LIVE'] : ['OPEN']),
      refused: ({ current, subject }) => `${subject.reference} is ${current} and does not accept applications.`,
    },
    addLot: { from: ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE'], refused: () => 'An expired route takes no new lots.' },
    editLot: {
      from: ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE'],
      refused: () => 'The lots of an expired route are a closed record.',
    },
  },
});
