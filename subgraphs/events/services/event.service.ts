import type { DataSource } from 'typeorm';
import { badUserInput, forbidden } from '../../../platform/errors';
import type { Identity } from '../../../platform/identity';
import { parseId } from '../../../platform/ids';
import { pageAndPrime, readPage, withSortValues, type ConnectionArgs, type Page } from '../../../platform/pagination';
import type { Event } from '../entities';
import type { EventCapabilities, EventFilter, EventTiming } from '../generated/graphql';
import type { EventsLoaders } from '../loaders';
import { eventColumns, eventFromRow, type EventRow } from '../loaders/hosted-events.loader';
import type { RegistrationModel } from '../loaders/registration.loader';
import {
  canManageEvent,
  canSeeJoinUrl,
  canSeePersonRegistrations,
  canSeeRegistrations,
  positionalParameters,
  visibleEventCondition,
  type EventFacts,
  type EventVisibility,
} from '../policy';
import { eventMachine, registrationMachine } from '../status-machines';
import type { Clock } from '../../../platform/clock';

/** The value an event's cursor carries: its start as an ISO string, then its id. */
export const eventCursorValue = (event: Event) => event.startsAt.toISOString();

/** `first` and `after` for a list of events; a cursor must carry a start time. */
export function readEventPage(args: ConnectionArgs): Page {
  const page = readPage(args);
  if (page.after && (typeof page.after.sortValue !== 'string' || Number.isNaN(Date.parse(page.after.sortValue)))) {
    throw badUserInput(`"${args.after}" is not a valid cursor: pass a cursor from a previous page of events.`, 'after');
  }
  return page;
}

function readInstant(value: Date | string | null | undefined): Date | null {
  return value === null || value === undefined ? null : new Date(value);
}

export class EventService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: EventsLoaders,
    private readonly clock: Clock,
    private readonly visibility: EventVisibility,
    private readonly viewer: Identity,
  ) {}

  /** One event by id (`event(id)` and `_entities`); null when the viewer may not see it, as if missing. */
  async findById(id: string): Promise<Event | null> {
    return this.loaders.eventById.load(parseId(id));
  }

  /** The events the viewer may see, ordered by start, filtered; arguments are validated before any SQL. */
  async list(args: ConnectionArgs & { filter?: EventFilter | null }) {
    const page = readEventPage(args);
    const filter = args.filter ?? {};
    const startsAfter = readInstant(filter.startsAfter);
    const startsBefore = readInstant(filter.startsBefore);
    if (startsAfter && startsBefore && startsAfter > startsBefore) {
      throw badUserInput('"startsAfter" must not be later than "startsBefore".', 'filter');
    }

    // The visibility condition and every filter, bound positionally: the page and totalCount share them.
    const parameters: unknown[] = [];
    const bind = positionalParameters(parameters);
    const conditions = [visibleEventCondition(this.visibility, 'e', bind)];
    if (filter.kinds?.length) conditions.push(`e.kind = ANY(CAST(${bind(filter.kinds)} AS text[]))`);
    if (filter.audiences?.length) conditions.push(`e.audience = ANY(CAST(${bind(filter.audiences)} AS text[]))`);
    if (filter.statuses?.length) conditions.push(`e.status = ANY(CAST(${bind(filter.statuses)} AS text[]))`);
    if (startsAfter) conditions.push(`e.starts_at >= ${bind(startsAfter)}`);
    if (startsBefore) conditions.push(`e.starts_at < ${bind(startsBefore)}`);
    if (filter.when === 'UPCOMING') conditions.push(`e.ends_at > ${bind(this.clock.now())}`);
    if (filter.when === 'PAST') conditions.push(`e.ends_at <= ${bind(this.clock.now())}`);
    const where = conditions.join(' AND ');
    const countParameters = [...parameters];

    return pageAndPrime(
      page,
      {
        rows: async () => {
          // Keyset pagination by start, then id: deep pages cost the same as the first.
          const after = page.after
            ? ` AND (e.starts_at, e.id) > (CAST(${bind(page.after.sortValue)} AS timestamptz), CAST(${bind(page.after.id)} AS uuid))`
            : '';
          const rows: EventRow[] = await this.dataSource.query(
            `SELECT ${eventColumns} FROM events.event e WHERE ${where}${after} ORDER BY e.starts_at, e.id LIMIT ${bind(page.size + 1)}`,
            parameters,
          );
          return withSortValues(rows.map(eventFromRow), eventCursorValue);
        },
        totalCount: async () => {
          const [{ count }] = (await this.dataSource.query(
            `SELECT count(*)::int AS count FROM events.event e WHERE ${where}`,
            countParameters,
          )) as [{ count: number }];
          return count;
        },
      },
      this.loaders.eventById,
    );
  }

  /** References to the host organisations (members subgraph), lead host first. */
  async hosts(event: Event): Promise<{ id: string }[]> {
    return (await this.loaders.hostIdsByEvent.load(event.id)).map((id) => ({ id }));
  }

  /** References to the related procurement routes (procurement subgraph). */
  async relatedRoutes(event: Event): Promise<{ id: string }[]> {
    return (await this.loaders.routeIdsByEvent.load(event.id)).map((id) => ({ id }));
  }

  /** What the rules in policy.ts need to know about one event. */
  private async facts(event: Event): Promise<EventFacts> {
    const hostIds = await this.loaders.hostIdsByEvent.load(event.id);
    return { status: event.status, audience: event.audience, startsAt: event.startsAt, endsAt: event.endsAt, hostIds };
  }

  private viewerRegistration(event: Event): Promise<RegistrationModel | null> {
    return this.viewer ? this.loaders.viewerRegistration.load(event.id) : Promise.resolve(null);
  }

  /** The link to join online: for confirmed registrants, the hosts and platform admins (canSeeJoinUrl); null for everyone else. */
  async joinUrl(event: Event): Promise<string | null> {
    if (!event.joinUrl) return null;
    const registration = await this.viewerRegistration(event);
    return canSeeJoinUrl(this.viewer, await this.loaders.hostIdsByEvent.load(event.id), registration?.status ?? null)
      ? event.joinUrl
      : null;
  }

  /** Who registered is for the hosts and platform staff only: FORBIDDEN for anyone else, never a silent empty list. */
  private async requireRegistrationsAccess(event: Event): Promise<void> {
    if (!canSeeRegistrations(this.viewer, await this.loaders.hostIdsByEvent.load(event.id))) {
      throw forbidden('Only the hosts and platform staff see who registered.');
    }
  }

  /** The event's registrations, at most `size` (already read from `first`). */
  async registrations(event: Event, size: number): Promise<RegistrationModel[]> {
    await this.requireRegistrationsAccess(event);
    return this.loaders.registrationsByEvent(size).load(event.id);
  }

  /** Attended ÷ confirmed, once attendance is recorded; null before. */
  async attendanceRate(event: Event): Promise<number | null> {
    await this.requireRegistrationsAccess(event);
    const stats = await this.loaders.registrationStats.load(event.id);
    return stats.recorded === 0 || stats.confirmed === 0 ? null : stats.attended / stats.confirmed;
  }

  /** A person's registrations (`Person.registrations`): that person and platform staff only. */
  registrationsOf(personId: string, when: EventTiming | null, size: number): Promise<RegistrationModel[]> {
    if (!canSeePersonRegistrations(this.viewer, personId))
      throw forbidden("Only the person themselves and platform staff see a person's registrations.");
    return this.loaders.registrationsByPerson({ when, first: size }).load(personId);
  }

  /** What the viewer may do with the event, from the same rules and status machines (status-machines.ts) the mutations enforce. */
  async viewerCan(event: Event): Promise<EventCapabilities> {
    const subject = { ...(await this.facts(event)), now: this.clock.now() };
    const registration = { status: (await this.viewerRegistration(event))?.status ?? null };
    return {
      manage: canManageEvent(this.viewer, subject.hostIds),
      register: eventMachine.capable('register', this.viewer, subject) && registrationMachine.can('register', registration),
      cancelRegistration:
        eventMachine.capable('cancelRegistration', this.viewer, subject) && registrationMachine.can('cancel', registration),
      markAttendance: eventMachine.capable('markAttendance', this.viewer, subject),
      seeRegistrations: canSeeRegistrations(this.viewer, subject.hostIds),
    };
  }
}
