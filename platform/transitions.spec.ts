import { DomainError } from './errors';
import { refusalFor } from './refusals';
import { defineStatusMachine } from './transitions';

/** A small machine with every feature the subgraphs' tables use: null (no record), kinds, guards, who, facts. */
interface Ticket {
  status: 'OPEN' | 'HELD' | 'CLOSED' | null;
  kind: 'PLAIN' | 'URGENT';
  ownerId: string;
  dueOn: string;
  today: string;
}
type Viewer = { id: string; staff: boolean } | null;

const tickets = defineStatusMachine({
  statuses: ['OPEN', 'HELD', 'CLOSED'],
  statusOf: (ticket: Ticket) => ticket.status,
  currentStatusOf: (ticket) => ticket.status ?? 'NONE',
  refused: ({ current, to, verb }) => (to ? `A ${current} ticket cannot become ${to}.` : `A ${current} ticket cannot ${verb}.`),
  actions: {
    open: { from: [null, 'CLOSED'], to: 'OPEN', who: (viewer: Viewer) => !!viewer },
    hold: { from: ({ kind }) => (kind === 'URGENT' ? [] : ['OPEN']), to: 'HELD', who: (viewer) => !!viewer?.staff },
    close: {
      from: ['OPEN', 'HELD'],
      to: 'CLOSED',
      who: (viewer, ticket) => viewer?.id === ticket.ownerId || !!viewer?.staff,
      guards: [
        { holds: ({ today, dueOn }) => today >= dueOn, facts: () => ({ reason: 'NOT_DUE' }) },
        { holds: ({ ownerId }) => ownerId !== 'frozen', refused: () => 'This ticket is frozen.' },
      ],
    },
    comment: {
      from: ['OPEN', 'HELD'],
      verb: 'take comments',
      facts: ({ current }) => ({ reason: current === 'CLOSED' ? 'CLOSED' : 'NEVER_OPENED' }),
    },
  },
});

const ticket = (fields: Partial<Ticket>): Ticket => ({
  status: 'OPEN',
  kind: 'PLAIN',
  ownerId: 'owner',
  dueOn: '2026-01-01',
  today: '2026-02-01',
  ...fields,
});
const owner: Viewer = { id: 'owner', staff: false };
const staff: Viewer = { id: 'staff', staff: true };

function refusedBy(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('defineStatusMachine', () => {
  it('allows an action exactly from the statuses its table lists, null standing for no record', () => {
    expect(tickets.can('open', ticket({ status: null }))).toBe(true);
    expect(tickets.can('open', ticket({ status: 'CLOSED' }))).toBe(true);
    expect(tickets.can('open', ticket({ status: 'OPEN' }))).toBe(false);
    expect(tickets.next('open', ticket({ status: null }))).toBe('OPEN');
    expect(tickets.from('close', ticket({}))).toEqual(['OPEN', 'HELD']);
  });

  it('refuses with CONFLICT, the machine’s message and the current status (as a StateConflict refusal)', () => {
    const error = refusedBy(() => tickets.assertCan('open', ticket({ status: 'HELD' })));
    expect(error.extensions).toEqual({ code: 'CONFLICT', currentStatus: 'HELD' });
    expect(error.message).toBe('A HELD ticket cannot become OPEN.');
    expect(refusalFor(error)).toEqual({
      __typename: 'StateConflict',
      code: 'CONFLICT',
      message: 'A HELD ticket cannot become OPEN.',
      field: null,
      currentStatus: 'HELD',
    });
    expect(tickets.refusal('open', ticket({ status: null }))).toBeNull();
  });

  it('reports the current status as `currentStatusOf` says, and an action’s verb and facts', () => {
    const error = tickets.refusal('comment', ticket({ status: null }))!;
    expect(error.message).toBe('A null ticket cannot take comments.');
    expect(error.extensions).toEqual({ code: 'CONFLICT', currentStatus: 'NONE', reason: 'NEVER_OPENED' });
    expect(tickets.refusal('comment', ticket({ status: 'CLOSED' }))!.extensions).toMatchObject({ reason: 'CLOSED' });
  });

  it('asks a function for the statuses when they depend on the kind of record', () => {
    expect(tickets.can('hold', ticket({ kind: 'PLAIN' }))).toBe(true);
    expect(tickets.can('hold', ticket({ kind: 'URGENT' }))).toBe(false);
    expect(tickets.from('hold', ticket({ kind: 'URGENT' }))).toEqual([]);
  });

  it('checks guards in order once the status allows the action, each with its own message and facts', () => {
    const early = refusedBy(() => tickets.assertCan('close', ticket({ today: '2025-12-31' })));
    // No message of its own: the action's status message; its own facts.
    expect(early.message).toBe('A OPEN ticket cannot become CLOSED.');
    expect(early.extensions).toEqual({ code: 'CONFLICT', currentStatus: 'OPEN', reason: 'NOT_DUE' });
    const frozen = refusedBy(() => tickets.assertCan('close', ticket({ ownerId: 'frozen' })));
    expect(frozen.message).toBe('This ticket is frozen.');
    expect(frozen.extensions).toEqual({ code: 'CONFLICT', currentStatus: 'OPEN' });
    // The status is judged first: a closed ticket is refused for its status, whatever the guards say.
    expect(tickets.refusal('close', ticket({ status: 'CLOSED', today: '2025-12-31' }))!.message).toBe(
      'A CLOSED ticket cannot become CLOSED.',
    );
    expect(tickets.can('close', ticket({}))).toBe(true);
  });

  it('moves to a named status through the one action that leads there from the current one', () => {
    expect(tickets.moveTo('CLOSED', ticket({ status: 'HELD' }))).toBe('close');
    expect(tickets.moveTo('OPEN', ticket({ status: 'CLOSED' }))).toBe('open');
    expect(refusedBy(() => tickets.moveTo('HELD', ticket({ status: 'CLOSED' }))).message).toBe('A CLOSED ticket cannot become HELD.');
    // Its guards still apply.
    expect(refusedBy(() => tickets.moveTo('CLOSED', ticket({ ownerId: 'frozen' }))).message).toBe('This ticket is frozen.');
    // Only among the actions named: a status no action leads to is refused the same way.
    expect(refusedBy(() => tickets.moveTo('OPEN', ticket({ status: 'CLOSED' }), ['hold', 'close'])).message).toBe(
      'A CLOSED ticket cannot become OPEN.',
    );
  });

  it('answers who apart from when, and both together for viewerCan', () => {
    expect(tickets.permits('hold', owner, ticket({ status: 'CLOSED' }))).toBe(false);
    expect(tickets.permits('hold', staff, ticket({ status: 'CLOSED' }))).toBe(true);
    expect(tickets.capable('hold', staff, ticket({ status: 'CLOSED' }))).toBe(false);
    // No `who`: anyone the service lets through.
    expect(tickets.permits('comment', null, ticket({}))).toBe(true);
    expect(tickets.capabilities(owner, ticket({ status: 'OPEN' }))).toEqual({ open: false, hold: false, close: true, comment: true });
    expect(tickets.capabilities(staff, ticket({ status: 'CLOSED' }))).toEqual({ open: true, hold: false, close: false, comment: false });
    expect(tickets.capabilities(null, ticket({ status: null }))).toEqual({ open: false, hold: false, close: false, comment: false });
  });

  it('a capability is true exactly when the write side would not refuse for the state (every status, every action)', () => {
    for (const status of [null, ...tickets.statuses]) {
      for (const kind of ['PLAIN', 'URGENT'] as const) {
        for (const action of tickets.actions) {
          const subject = ticket({ status, kind });
          let refused = false;
          try {
            tickets.assertCan(action, subject);
          } catch {
            refused = true;
          }
          expect([status, kind, action, tickets.capable(action, staff, subject)]).toEqual([status, kind, action, !refused]);
        }
      }
    }
  });

  it('will not say where an action without a `to` leads', () => {
    expect(() => tickets.next('comment', ticket({}))).toThrow('does not say which status it leads to');
  });
});
