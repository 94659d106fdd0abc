import { conflict, type DomainError } from './errors';
import type { Identity } from './identity';

/**
 * Status machines, each declared once (issue 23 item 2): the statuses, and for every named action
 * the statuses it may start from, the status it leads to, any further condition of the record's
 * state, and who may do it. One table answers both sides of a rule, so they cannot disagree:
 *
 * - the write side: `assertCan(action, subject)` (or `next`, or `moveTo` for mutations that name
 *   the status wanted) throws the CONFLICT a client branches on (a `StateConflict` with
 *   `currentStatus`, and the action's own facts such as `reason`);
 * - the read side: `can(action, subject)`, `capable(action, viewer, subject)` and
 *   `capabilities(viewer, subject)`, which the `viewerCan` fields return.
 *
 * Who may act (`who`) and whether the state allows it are kept apart, as the mutations check them
 * apart: failing `who` is the caller's (FORBIDDEN or UNAUTHENTICATED, said by the service with its
 * own words, platform/sign-in.ts), failing the state is CONFLICT. `viewerCan` asks both.
 *
 *   const faqs = defineStatusMachine({
 *     statuses: ['DRAFT', 'PUBLISHED'],
 *     statusOf: (faq: Faq) => faq.status,
 *     refused: ({ current }) => `The FAQ is already ${current}.`,
 *     actions: {
 *       publish: { from: ['DRAFT'], to: 'PUBLISHED', who: canManageFaqs },
 *       unpublish: { from: ['PUBLISHED'], to: 'DRAFT', who: canManageFaqs },
 *     },
 *   });
 *   faqs.assertCan('publish', faq);           // CONFLICT "The FAQ is already PUBLISHED." when it is
 *   faqs.capable('publish', viewer, faq);     // what a viewerCan flag would say
 */

/** What a refusal's message and facts are made from. */
export interface Refused<S extends string, A extends string, T> {
  /** The action refused; undefined when no action leads where `moveTo` was asked to go. */
  action: A | undefined;
  /** How the action reads in a sentence ("be approved"); the action's name unless it says. */
  verb: string;
  /** The status the rule judged; null for a record that does not exist yet. */
  current: S | null;
  /** Where the action (or `moveTo`) would have led. */
  to: S | undefined;
  /** The statuses the action may start from. */
  from: readonly (S | null)[];
  subject: T;
}

/** A condition of the record's state beyond its status: a deadline passed, an event not yet ended. */
export interface Guard<S extends string, A extends string, T> {
  holds: (subject: T) => boolean;
  /** The refusal's message when it does not hold; the action's status message unless it says. */
  refused?: (refusal: Refused<S, A, T>) => string;
  /** Further facts of that refusal (`reason`, `refusalType`, …). */
  facts?: (refusal: Refused<S, A, T>) => Record<string, unknown>;
}

export interface ActionRule<S extends string, A extends string, T, V> {
  /**
   * The statuses the action may start from (null: there is no record yet, e.g. a first
   * application). A function when they depend on the kind of record: a direct award is made from
   * DRAFT, a further competition's during EVALUATION.
   */
  from: readonly (NoInfer<S> | null)[] | ((subject: T) => readonly (NoInfer<S> | null)[]);
  /** The status it leads to; absent when it leaves the status as it is, or the outcome decides. */
  to?: NoInfer<S>;
  /** Conditions beyond the status, checked in order once the status allows the action. */
  guards?: readonly Guard<NoInfer<S>, NoInfer<A>, T>[];
  /** Who may do it. Absent: anyone the service lets through (it decides who on its own). */
  who?: (viewer: V, subject: T) => boolean;
  /** How the action reads in the machine's messages. */
  verb?: string;
  /** The message when the status does not allow it; the machine's `refused` unless it says. */
  refused?: (refusal: Refused<NoInfer<S>, NoInfer<A>, T>) => string;
  /** Further facts of that refusal (`reason`, `refusalType`, …), beside `currentStatus`. */
  facts?: (refusal: Refused<NoInfer<S>, NoInfer<A>, T>) => Record<string, unknown>;
}

export interface StatusMachineSpec<S extends string, A extends string, T, V> {
  /** Every status, for the tests that walk the table and for readers. */
  statuses: readonly S[];
  /** The status the rules judge; derived where the clock moves it (a project in CLARIFICATION). */
  statusOf: (subject: T) => S | null;
  /** What refusals report as `currentStatus`; the judged status unless it says. */
  currentStatusOf?: (subject: T) => string | null;
  /** The message when a status does not allow an action that has none of its own. */
  refused: (refusal: Refused<NoInfer<S>, NoInfer<A>, T>) => string;
  actions: { readonly [K in A]: ActionRule<S, A, T, V> };
}

export interface StatusMachine<S extends string, A extends string, T, V> {
  readonly statuses: readonly S[];
  /** The action names, in the table's order. */
  readonly actions: readonly A[];
  /** The table itself, for tests that walk it. */
  readonly rules: { readonly [K in A]: ActionRule<S, A, T, V> };
  /** The status the rules judge for `subject`. */
  statusOf(subject: T): S | null;
  /** The statuses `action` may start from, for this subject. */
  from(action: A, subject: T): readonly (S | null)[];
  /** The CONFLICT that refuses `action` on `subject` now, or null when its state allows it. */
  refusal(action: A, subject: T): DomainError | null;
  /** Whether the state allows `action` (the status, then every guard). */
  can(action: A, subject: T): boolean;
  /** Throws the CONFLICT when the state does not allow `action`. */
  assertCan(action: A, subject: T): void;
  /** The status `action` leads to, after `assertCan`; for actions that say where they lead. */
  next(action: A, subject: T): S;
  /**
   * For mutations that name the status wanted (a staff decision, "publish" as a status): the
   * action among `among` (every one by default) that leads from the current status to `to`, once
   * its guards hold; the CONFLICT otherwise.
   */
  moveTo(to: S, subject: T, among?: readonly A[]): A;
  /** Whether `viewer` is among those who may do `action` (true when the table does not say). */
  permits(action: A, viewer: V, subject: T): boolean;
  /** `permits` and `can`: what a `viewerCan` flag says. */
  capable(action: A, viewer: V, subject: T): boolean;
  /** `capable` for every action: the `viewerCan` object, when its fields are the actions. */
  capabilities(viewer: V, subject: T): Record<A, boolean>;
}

export function defineStatusMachine<S extends string, A extends string, T, V = Identity>(
  spec: StatusMachineSpec<S, A, T, V>,
): StatusMachine<S, A, T, V> {
  const actions = Object.keys(spec.actions) as A[];
  const from = (action: A, subject: T) => {
    const rule = spec.actions[action];
    return typeof rule.from === 'function' ? rule.from(subject) : rule.from;
  };
  const refusedBy = (action: A | undefined, subject: T, to: S | undefined): Refused<S, A, T> => ({
    action,
    verb: (action && spec.actions[action].verb) ?? action ?? '',
    current: spec.statusOf(subject),
    to,
    from: action ? from(action, subject) : [],
    subject,
  });
  const currentStatus = (subject: T) => (spec.currentStatusOf ? spec.currentStatusOf(subject) : spec.statusOf(subject));
  const statusRefusal = (refused: Refused<S, A, T>): DomainError => {
    const rule = refused.action === undefined ? undefined : spec.actions[refused.action];
    const message = (rule?.refused ?? spec.refused)(refused);
    return conflict(message, { currentStatus: currentStatus(refused.subject), ...rule?.facts?.(refused) });
  };
  const guardRefusal = (action: A, subject: T): DomainError | null => {
    const rule = spec.actions[action];
    const failed = rule.guards?.find((guard) => !guard.holds(subject));
    if (!failed) return null;
    const refused = refusedBy(action, subject, rule.to);
    const message = failed.refused ? failed.refused(refused) : (rule.refused ?? spec.refused)(refused);
    return conflict(message, { currentStatus: currentStatus(subject), ...(failed.facts ?? rule.facts)?.(refused) });
  };
  const refusal = (action: A, subject: T): DomainError | null => {
    if (!from(action, subject).includes(spec.statusOf(subject))) return statusRefusal(refusedBy(action, subject, spec.actions[action].to));
    return guardRefusal(action, subject);
  };
  const machine: StatusMachine<S, A, T, V> = {
    statuses: spec.statuses,
    actions,
    rules: spec.actions,
    statusOf: spec.statusOf,
    from,
    refusal,
    can: (action, subject) => refusal(action, subject) === null,
    assertCan(action, subject) {
      const refused = refusal(action, subject);
      if (refused) throw refused;
    },
    next(action, subject) {
      machine.assertCan(action, subject);
      const to = spec.actions[action].to;
      // A programming error, not a client's: the table says this action goes nowhere in particular.
      if (to === undefined) throw new Error(`The action "${action}" does not say which status it leads to.`);
      return to;
    },
    moveTo(to, subject, among = actions) {
      const current = spec.statusOf(subject);
      const leading = among.filter((action) => spec.actions[action].to === to);
      const action = leading.find((candidate) => from(candidate, subject).includes(current));
      if (action === undefined) throw statusRefusal(refusedBy(leading[0], subject, to));
      const refused = guardRefusal(action, subject);
      if (refused) throw refused;
      return action;
    },
    permits: (action, viewer, subject) => spec.actions[action].who?.(viewer, subject) ?? true,
    capable: (action, viewer, subject) => machine.permits(action, viewer, subject) && machine.can(action, subject),
    capabilities: (viewer, subject) =>
      Object.fromEntries(actions.map((action) => [action, machine.capable(action, viewer, subject)])) as Record<A, boolean>,
  };
  return machine;
}
