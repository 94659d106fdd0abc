import type { DomainEventFacts, DomainEventKind } from '../../../platform/domain-events';
import type { DomainEvent } from '../../../platform/outbox';
import { applyReminderChange, planReminders, remindersMadeMoot, sendable, ukDay, ukInstant, type PlannedReminder } from './plan';

/**
 * Reminders on the right days (issue 25 item 5): which reminders each event plans, on which UK day
 * and hour, on the working days procurement counts (platform/working-days.ts), and which a later
 * event makes moot. Dates are chosen where the calendars and the clocks disagree: Easter 2027 (a
 * bank holiday in England, not in Scotland) and the change to British Summer Time on 28 March 2027.
 */
const project = { projectId: 'p1', projectTitle: 'Gully sensors', buyerOrganisationId: 'buyer' };
const uk = ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'] as const;
let sequence = 0;
function event<K extends DomainEventKind>(kind: K, occurredAt: string, facts: DomainEventFacts[K], id = `e${++sequence}`): DomainEvent<K> {
  return { id, source: 'procurement', kind, occurredAt, subject: { typename: 'Test', id: 'x' }, facts };
}
const byKey = (reminders: PlannedReminder[]) => Object.fromEntries(reminders.map((r) => [r.key, r]));
const days = (reminders: PlannedReminder[]) => Object.fromEntries(reminders.map((r) => [r.key, r.remindOn]));

const published = (workingDayNations?: readonly (typeof uk)[number][], at = '2027-03-10T10:00:00.000Z') =>
  event('project.published', at, {
    ...project,
    routeId: 'r',
    lotId: 'l',
    invitedSupplierOrganisationIds: ['s1', 's2'],
    // Wednesday 24 March and Tuesday 30 March 2027, at noon (procurement's deadline hour).
    clarificationClosesAt: '2027-03-24T12:00:00.000Z',
    responseDeadline: '2027-03-30T12:00:00.000Z',
    ...(workingDayNations ? { workingDayNations: [...workingDayNations] } : {}),
  });

describe('procurement reminders', () => {
  it('clarification closes in 2 working days, and responses are due the working day before, per supplier', () => {
    const planned = planReminders(published(uk));
    expect(days(planned)).toEqual({
      'clarification-closing:p1': '2027-03-22',
      // Friday 26 (Good Friday) and Monday 29 (Easter Monday) are bank holidays: Thursday 25.
      'responses-due:p1:s1': '2027-03-25',
      'responses-due:p1:s2': '2027-03-25',
    });
    const reminders = byKey(planned);
    expect(reminders['clarification-closing:p1']).toMatchObject({
      kind: 'CLARIFICATION_CLOSING',
      dueAt: new Date('2027-03-22T09:00:00.000Z'), // 09:00 GMT
      notAfter: new Date('2027-03-24T12:00:00.000Z'),
      subject: { typename: 'ProcurementProject', id: 'p1' },
      to: { organisations: ['s1', 's2'] },
      membersOnly: false,
      link: '/procurement/projects/p1',
    });
    expect(reminders['responses-due:p1:s1']).toMatchObject({ kind: 'RESPONSES_DUE', to: { organisations: ['s1'] } });
    expect(reminders['responses-due:p1:s1']!.body).toContain('13:00 on Tuesday 30 March 2027'); // noon UTC, in summer time
  });

  it("counts on the project's own calendar: Easter Monday is a working day in Scotland, in summer time", () => {
    const reminders = byKey(planReminders(published(['SCOTLAND'])));
    expect(reminders['responses-due:p1:s1']).toMatchObject({ remindOn: '2027-03-29', dueAt: new Date('2027-03-29T08:00:00.000Z') });
    // An event from before the calendar was a fact: the whole UK's, the Act's.
    expect(byKey(planReminders(published()))['responses-due:p1:s1']!.remindOn).toBe('2027-03-25');
  });

  it('leaves out a reminder whose day is over, and plans one due earlier today for the next tick', () => {
    // Published on Tuesday 23 March: the clarification reminder's day (Monday 22) is gone.
    expect(Object.keys(days(planReminders(published(uk, '2027-03-23T10:00:00.000Z'))))).toEqual([
      'responses-due:p1:s1',
      'responses-due:p1:s2',
    ]);
    const sameDay = planReminders(published(uk, '2027-03-22T15:00:00.000Z'));
    expect(days(sameDay)['clarification-closing:p1']).toBe('2027-03-22');
  });

  it('a submitted response moots that supplier’s reminder only; a withdrawal plans it again', () => {
    const submitted = event('response.submitted', '2027-03-12T10:00:00.000Z', {
      ...project,
      responseId: 'resp',
      supplierOrganisationId: 's1',
      submittedByPersonId: 'person',
      resubmission: false,
    });
    expect(remindersMadeMoot(submitted)).toEqual(['responses-due:p1:s1']);
    expect(planReminders(submitted)).toEqual([]);
    const withdrawn = event('response.withdrawn', '2027-03-15T10:00:00.000Z', {
      ...project,
      responseId: 'resp',
      supplierOrganisationId: 's1',
      withdrawnByPersonId: 'person',
      responseDeadline: '2027-03-30T12:00:00.000Z',
      workingDayNations: ['SCOTLAND'],
    });
    expect(days(planReminders(withdrawn))).toEqual({ 'responses-due:p1:s1': '2027-03-29' });
    expect(remindersMadeMoot(withdrawn)).toEqual([]);
  });

  it('a cancelled project moots every reminder it had', () => {
    const cancelled = event('project.cancelled', '2027-03-12T10:00:00.000Z', {
      ...project,
      fromStatus: 'PUBLISHED',
      reason: 'Budget withdrawn',
      invitedSupplierOrganisationIds: ['s1', 's2'],
      cancelledByPersonId: 'buyer-person',
    });
    const planned = [...planReminders(published(uk)), ...planReminders(award(true))].map((r) => r.key);
    expect(remindersMadeMoot(cancelled).sort()).toEqual([...new Set(planned)].sort());
  });

  const award = (standstillObserved: boolean) =>
    event('award.issued', '2027-04-01T10:00:00.000Z', {
      ...project,
      procedure: 'FURTHER_COMPETITION',
      awardedSupplierOrganisationId: 's1',
      awardValue: 1000,
      standstillObserved,
      standstillEndsOn: '2027-04-14',
      tenders: [],
    });

  it('standstill ends: on its last day, for the buyer’s team, until the close of that day', () => {
    expect(planReminders(award(true))).toEqual([
      expect.objectContaining({
        key: 'standstill-ends:p1',
        kind: 'STANDSTILL_ENDS',
        remindOn: '2027-04-14',
        dueAt: new Date('2027-04-14T08:00:00.000Z'),
        notAfter: new Date('2027-04-14T23:00:00.000Z'), // midnight BST
        to: { organisations: ['buyer'], roles: ['ORG_ADMIN', 'BUYER'] },
      }),
    ]);
    expect(planReminders(award(false))).toEqual([]);
    expect(remindersMadeMoot(award(false))).toEqual(['standstill-ends:p1']);
  });

  it('a challenge suspends the reminder; a dismissal with none left open plans it for the resumed end; an upheld one moots it', () => {
    const challenge = { ...project, challengeId: 'c', challengerSupplierOrganisationId: 's2' };
    expect(remindersMadeMoot(event('challenge.raised', '2027-04-05T10:00:00.000Z', { ...challenge, raisedByPersonId: 'x' }))).toEqual([
      'standstill-ends:p1',
    ]);
    const answered = (facts: Partial<DomainEventFacts['challenge.answered']>) =>
      event('challenge.answered', '2027-04-08T10:00:00.000Z', { ...challenge, outcome: 'DISMISSED', awardWithdrawn: false, ...facts });
    const dismissed = answered({ standstillEndsOn: '2027-04-19', openChallenges: 0 });
    expect(days(planReminders(dismissed))).toEqual({ 'standstill-ends:p1': '2027-04-19' });
    expect(remindersMadeMoot(dismissed)).toEqual([]);
    expect(planReminders(answered({ standstillEndsOn: '2027-04-19', openChallenges: 1 }))).toEqual([]);
    const upheld = answered({ outcome: 'UPHELD', awardWithdrawn: true, standstillEndsOn: null, openChallenges: 0 });
    expect(planReminders(upheld)).toEqual([]);
    expect(remindersMadeMoot(upheld)).toEqual(['standstill-ends:p1']);
  });
});

describe('event reminders', () => {
  // Monday 29 March 2027, 10:00 BST: the day before is the Sunday the clocks go forward.
  const facts = {
    eventId: 'ev',
    title: 'Winter service webinar',
    startsAt: '2027-03-29T09:00:00.000Z',
    endsAt: '2027-03-29T10:00:00.000Z',
    memberOnly: true,
  };
  const registered = (occurredAt: string, personId = 'ann') => event('registration.confirmed', occurredAt, { ...facts, personId });

  it('the day before it starts (UK days), for that person, member-only when the event is', () => {
    expect(planReminders(registered('2027-03-01T10:00:00.000Z'))).toEqual([
      expect.objectContaining({
        key: 'event-tomorrow:ev:ann',
        kind: 'EVENT_TOMORROW',
        remindOn: '2027-03-28',
        dueAt: new Date('2027-03-28T08:00:00.000Z'),
        notAfter: new Date('2027-03-29T09:00:00.000Z'),
        to: { people: ['ann'] },
        membersOnly: true,
      }),
    ]);
    expect(planReminders(registered('2027-03-01T10:00:00.000Z'))[0]!.body).toContain('starts at 10:00 tomorrow, Monday 29 March 2027');
    // Registered on the day itself: "tomorrow" is gone.
    expect(planReminders(registered('2027-03-29T07:00:00.000Z'))).toEqual([]);
  });

  it('a place from the waiting list plans one; a cancelled registration or event moots them', () => {
    const place = event('waiting_list.place_confirmed', '2027-03-01T10:00:00.000Z', { ...facts, personId: 'bob' });
    expect(days(planReminders(place))).toEqual({ 'event-tomorrow:ev:bob': '2027-03-28' });
    expect(
      remindersMadeMoot(event('registration.cancelled', '2027-03-02T10:00:00.000Z', { ...facts, personId: 'bob', wasConfirmed: true })),
    ).toEqual(['event-tomorrow:ev:bob']);
    const cancelled = event('event.cancelled', '2027-03-02T10:00:00.000Z', {
      ...facts,
      registeredPersonIds: ['ann', 'bob'],
      waitingPersonIds: ['cat'],
      reason: 'Snow',
    });
    expect(remindersMadeMoot(cancelled)).toEqual(['event-tomorrow:ev:ann', 'event-tomorrow:ev:bob', 'event-tomorrow:ev:cat']);
  });

  it('a rescheduled event re-plans its registrants under the same keys; brought forward to today, it moots them', () => {
    const moved = (startsAt: string, occurredAt: string) =>
      event('event.rescheduled', occurredAt, {
        ...facts,
        startsAt,
        endsAt: startsAt,
        previousStartsAt: facts.startsAt,
        previousEndsAt: facts.endsAt,
        registeredPersonIds: ['ann'],
        waitingPersonIds: ['cat'],
      });
    const later = moved('2027-04-06T09:00:00.000Z', '2027-03-20T10:00:00.000Z');
    expect(days(planReminders(later))).toEqual({ 'event-tomorrow:ev:ann': '2027-04-05' });
    expect(remindersMadeMoot(later)).toEqual([]);
    const today = moved('2027-03-20T17:00:00.000Z', '2027-03-20T10:00:00.000Z');
    expect(planReminders(today)).toEqual([]);
    expect(remindersMadeMoot(today)).toEqual(['event-tomorrow:ev:ann']);
  });
});

describe('membership and certification reminders', () => {
  const decided = (toStatus: string, renewalDueOn: string | null | undefined) =>
    event('membership.decided', '2027-01-04T10:00:00.000Z', {
      organisationId: 'org',
      fromStatus: 'APPLIED',
      toStatus,
      reason: null,
      decidedByPersonId: 'admin',
      organisationName: 'Kent County Council',
      ...(renewalDueOn !== undefined ? { renewalDueOn } : {}),
    });

  it('renewal due: 30 days before, on a working day, for the organisation’s admins', () => {
    // 27 December 2027 less 30 days is Saturday 27 November: Friday 26.
    expect(planReminders(decided('ACTIVE', '2027-12-27'))).toEqual([
      expect.objectContaining({
        key: 'membership-renewal:org',
        kind: 'MEMBERSHIP_RENEWAL_DUE',
        remindOn: '2027-11-26',
        notAfter: new Date('2027-12-28T00:00:00.000Z'),
        to: { organisations: ['org'], roles: ['ORG_ADMIN'] },
      }),
    ]);
    // No renewal date in the facts (an older event): nothing to plan, nothing to moot.
    expect(planReminders(decided('ACTIVE', undefined))).toEqual([]);
    expect(remindersMadeMoot(decided('SUSPENDED', '2027-12-27'))).toEqual(['membership-renewal:org']);
    expect(remindersMadeMoot(decided('ACTIVE', '2027-12-27'))).toEqual([]);
  });

  it('certification expiring: 30 days before its last valid day; none without an expiry; a withdrawal moots it', () => {
    const innovation = { innovationId: 'inn', title: 'Smart gully', supplierOrganisationId: 'sup' };
    const added = (expiresOn: string | null) =>
      event('certification.added', '2027-01-04T10:00:00.000Z', {
        ...innovation,
        certificationId: 'cert',
        scheme: 'BBA HAPAS',
        issuer: 'BBA',
        reference: 'HAPAS-1',
        expiresOn,
      });
    expect(planReminders(added('2027-06-30'))).toEqual([
      expect.objectContaining({
        key: 'certification-expiring:cert',
        kind: 'CERTIFICATION_EXPIRING',
        // 30 June less 30 days is Monday 31 May 2027, the Spring bank holiday: Friday 28 May.
        remindOn: '2027-05-28',
        to: { organisations: ['sup'] },
        subject: { typename: 'Innovation', id: 'inn' },
      }),
    ]);
    expect(planReminders(added(null))).toEqual([]);
    expect(
      remindersMadeMoot(event('certification.withdrawn', '2027-01-05T10:00:00.000Z', { ...innovation, certificationId: 'cert' })),
    ).toEqual(['certification-expiring:cert']);
  });
});

describe('the store’s rule for a key (applyReminderChange) and the send check (sendable)', () => {
  const stored = (state: 'PLANNED' | 'SENT' | 'MOOT', remindOn = '2027-03-28', decidedAt = '2027-03-01T10:00:00.000Z') => ({
    state,
    remindOn,
    decidedAt,
  });
  const plan = (remindOn: string) => ({ plan: { remindOn } });

  it('plans, re-plans and moots by the latest event; never re-sends a reminder for its day', () => {
    expect(applyReminderChange(undefined, plan('2027-03-28'), '2027-03-01T10:00:00.000Z')).toBe('insert');
    expect(applyReminderChange(stored('PLANNED'), plan('2027-04-05'), '2027-03-02T10:00:00.000Z')).toBe('replace');
    expect(applyReminderChange(stored('PLANNED'), { moot: true }, '2027-03-02T10:00:00.000Z')).toBe('moot');
    // Sent for its day: the same plan again (a repeated event, a reinstated membership) sends nothing more…
    expect(applyReminderChange(stored('SENT'), plan('2027-03-28'), '2027-03-02T10:00:00.000Z')).toBe('keep');
    // …a plan for another day is a new reminder.
    expect(applyReminderChange(stored('SENT'), plan('2027-04-05'), '2027-03-02T10:00:00.000Z')).toBe('replace');
    // A moot one planned again by a later event (a withdrawal after a submission) revives.
    expect(applyReminderChange(stored('MOOT'), plan('2027-03-28'), '2027-03-02T10:00:00.000Z')).toBe('replace');
    expect(applyReminderChange(stored('MOOT'), { moot: true }, '2027-03-02T10:00:00.000Z')).toBe('keep');
    expect(applyReminderChange(undefined, { moot: true }, '2027-03-02T10:00:00.000Z')).toBe('keep');
  });

  it('an older event arriving late changes nothing; one of the same instant, arriving later, wins', () => {
    expect(applyReminderChange(stored('MOOT'), plan('2027-03-28'), '2027-02-28T10:00:00.000Z')).toBe('keep');
    expect(applyReminderChange(stored('PLANNED'), { moot: true }, '2027-03-01T10:00:00.000Z')).toBe('moot');
  });

  it('is sendable from its time until what it reminds of happens', () => {
    const reminder = { dueAt: ukInstant('2027-03-28', 9), notAfter: new Date('2027-03-29T09:00:00.000Z') };
    expect(sendable(reminder, new Date('2027-03-28T07:59:59.999Z'))).toBe(false);
    expect(sendable(reminder, new Date('2027-03-28T08:00:00.000Z'))).toBe(true);
    expect(sendable(reminder, new Date('2027-03-29T08:59:59.999Z'))).toBe(true);
    expect(sendable(reminder, new Date('2027-03-29T09:00:00.000Z'))).toBe(false);
  });

  it('reads days and hours in UK time', () => {
    expect(ukDay('2027-03-28T23:30:00.000Z')).toBe('2027-03-29'); // 00:30 BST
    expect(ukDay('2027-01-10T23:30:00.000Z')).toBe('2027-01-10');
    expect(ukInstant('2027-10-31', 9)).toEqual(new Date('2027-10-31T09:00:00.000Z')); // back to GMT that morning
  });
});
