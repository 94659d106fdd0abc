import type { DataSource } from 'typeorm';
import { badUserInput } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { keysetSource, pageAndPrime, readPage, type ConnectionArgs } from '../../../platform/pagination';
import { containsPattern, MAX_SEARCH_LENGTH } from '../../../platform/sql';
import { searchText } from '../../../platform/input';
import { Lot, ProcurementRoute } from '../entities';
import type { ProcurementRouteFilter, RouteStatus } from '../generated/graphql';
import { dayOf, type Clock } from '../../../platform/clock';
import { routeStatusOn, routeStatusSql } from './route-lifecycle';
import type { ProcurementLoaders } from '../loaders';
import { availabilityKey } from '../loaders/procurement-route.loader';
import type { InnovationModel } from '../mappers';
import type { Identity } from '../../../platform/identity';
import { buyerMayUseRoute, isBuyer } from '../policy';

export class ProcurementRouteService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: ProcurementLoaders,
    private readonly clock: Clock,
    private readonly viewer: Identity = null,
  ) {}

  /** Where the route is today, from its dates (services/route-lifecycle.ts). */
  status(route: ProcurementRoute): RouteStatus {
    return routeStatusOn(route, dayOf(this.clock.now()));
  }

  async findById(id: string): Promise<ProcurementRoute | null> {
    return this.loaders.routeById.load(parseId(id));
  }

  /** Routes ordered by reference, filtered; `first` and `after` are validated before any SQL. */
  async list(args: ConnectionArgs & { filter?: ProcurementRouteFilter | null }) {
    const page = readPage(args);
    const query = this.dataSource.getRepository(ProcurementRoute).createQueryBuilder('route');
    const filter = args.filter ?? {};
    const search = searchText(filter.search, { field: 'filter.search', max: MAX_SEARCH_LENGTH });
    if (filter.kinds?.length) query.andWhere('route.kind IN (:...kinds)', { kinds: filter.kinds });
    // The derived status, in SQL: pages and totalCount count what `status` will say.
    if (filter.statuses?.length) {
      query.andWhere(`${routeStatusSql('route')} IN (:...statuses)`, { statuses: filter.statuses, today: dayOf(this.clock.now()) });
    }
    if (filter.nations?.length) {
      query.andWhere('route.eligibleNations && CAST(:nations AS text[])', { nations: filter.nations });
    }
    if (filter.categories?.length) {
      const covering = query
        .subQuery()
        .select('1')
        .from(Lot, 'lot')
        .where('lot.routeId = route.id')
        .andWhere('lot.categories && CAST(:categories AS text[])')
        .getQuery();
      query.andWhere(`EXISTS ${covering}`, { categories: filter.categories });
    }
    if (search) {
      query.andWhere(`(route.reference ILIKE :search ESCAPE '\\' OR route.name ILIKE :search ESCAPE '\\')`, {
        search: containsPattern(search),
      });
    }
    return pageAndPrime(page, keysetSource(query, { property: 'reference', cursorValue: (r) => r.reference }), this.loaders.routeById);
  }

  /**
   * Where an innovation can be bought now. Its category and supplier come from the innovations
   * subgraph through @requires; a representation without them is the caller's mistake.
   */
  /** At most `first` (validated, readListSize), by reference. */
  async availableVia(innovation: InnovationModel, first: number): Promise<ProcurementRoute[]> {
    if (!innovation.category || !innovation.supplier?.id) {
      throw badUserInput('An Innovation representation needs its category and supplier { id } to resolve availableVia.');
    }
    const routes = await this.loaders.liveRoutesBySupplierCategory.load(
      availabilityKey(parseId(innovation.supplier.id, 'supplier.id'), innovation.category),
    );
    // A buyer is told only where it can buy; everyone else sees every live route (public information).
    return (isBuyer(this.viewer) ? routes.filter((route) => buyerMayUseRoute(this.viewer, route)) : routes).slice(0, first);
  }
}
