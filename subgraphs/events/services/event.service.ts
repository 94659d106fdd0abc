import type { DataSource } from 'typeorm';
import { badUserInput } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { paginate, readPage, type ConnectionArgs, type Page } from '../../../platform/pagination';
import { Event } from '../entities';
import type { EventFilter } from '../generated/graphql';
import type { EventsLoaders } from '../loaders';
import { namedParameters, visibleEventCondition, type EventVisibility } from '../policy';
import type { Clock } from './clock';

/** Every event is planned in UK time; the column would hold the same value on every row. */
export { EVENT_TIME_ZONE } from './london-time';

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

    const query = this.dataSource.getRepository(Event).createQueryBuilder('event');
    // Before paginate clones it for the count, so the page and totalCount see the same rows.
    const visible = namedParameters();
    query.where(visibleEventCondition(this.visibility, 'event', visible.bind), visible.parameters);
    if (filter.kinds?.length) query.andWhere('event.kind IN (:...kinds)', { kinds: filter.kinds });
    if (filter.audiences?.length) query.andWhere('event.audience IN (:...audiences)', { audiences: filter.audiences });
    if (filter.statuses?.length) query.andWhere('event.status IN (:...statuses)', { statuses: filter.statuses });
    if (startsAfter) query.andWhere('event.startsAt >= :startsAfter', { startsAfter });
    if (startsBefore) query.andWhere('event.startsAt < :startsBefore', { startsBefore });
    if (filter.when === 'UPCOMING') query.andWhere('event.endsAt > :now', { now: this.clock.now() });
    if (filter.when === 'PAST') query.andWhere('event.endsAt <= :now', { now: this.clock.now() });

    const connection = await paginate(query, { property: 'startsAt', cursorValue: eventCursorValue }, page);
    // Later lookups by id in this request then need no query.
    for (const { node } of connection.edges) this.loaders.eventById.prime(node.id, node);
    return connection;
  }

  /** References to the host organisations (members subgraph), lead host first. */
  async hosts(event: Event): Promise<{ id: string }[]> {
    return (await this.loaders.hostIdsByEvent.load(event.id)).map((id) => ({ id }));
  }

  /** References to the related procurement routes (procurement subgraph). */
  async relatedRoutes(event: Event): Promise<{ id: string }[]> {
    return (await this.loaders.routeIdsByEvent.load(event.id)).map((id) => ({ id }));
  }
}
