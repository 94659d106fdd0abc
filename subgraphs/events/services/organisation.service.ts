import { parseId } from '../../../platform/ids';
import { pageAndPrime, withSortValues, type Connection, type ConnectionArgs } from '../../../platform/pagination';
import type { Event } from '../entities';
import type { EventsLoaders } from '../loaders';
import type { OrganisationModel } from '../mappers';
import { eventCursorValue, readEventPage } from './event.service';

/**
 * Organisations belong to the members subgraph; here an organisation is only its id plus the
 * events it hosts. Any well-formed id resolves: an organisation that hosts nothing has no events.
 */
export class OrganisationService {
  constructor(private readonly loaders: EventsLoaders) {}

  reference(id: string): OrganisationModel {
    return { id: parseId(id) };
  }

  /** One page of the events an organisation hosts, batched with every other organisation asking for the same page. */
  async hostedEvents(organisation: OrganisationModel, args: ConnectionArgs): Promise<Connection<Event>> {
    const page = readEventPage(args);
    const source = {
      rows: async () => withSortValues(await this.loaders.hostedEvents(page).load(organisation.id), eventCursorValue),
      totalCount: () => this.loaders.hostedEventCount.load(organisation.id),
    };
    return pageAndPrime(page, source, this.loaders.eventById);
  }
}
