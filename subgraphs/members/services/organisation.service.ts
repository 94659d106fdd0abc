import type { DataSource } from 'typeorm';
import { parseId } from '../../../platform/ids';
import { searchText } from '../../../platform/input';
import { containsPattern, MAX_SEARCH_LENGTH } from '../../../platform/sql';
import { keysetSource, pageAndPrime, readPage, type ConnectionArgs } from '../../../platform/pagination';
import { Organisation } from '../entities';
import type { OrganisationFilter } from '../generated/graphql';
import type { MembersLoaders } from '../loaders';

/** Region names are short ("South East", "Highlands and Islands"). */
const MAX_REGION_LENGTH = 100;

export class OrganisationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: MembersLoaders,
  ) {}

  async findById(id: string): Promise<Organisation | null> {
    return this.loaders.organisationById.load(parseId(id));
  }

  /** Organisations ordered by name, filtered; `first` and `after` are validated before any SQL. */
  async list(args: ConnectionArgs & { filter?: OrganisationFilter | null }) {
    const page = readPage(args);
    const query = this.dataSource.getRepository(Organisation).createQueryBuilder('organisation');
    const filter = args.filter ?? {};
    const region = searchText(filter.region, { field: 'filter.region', max: MAX_REGION_LENGTH });
    const nameContains = searchText(filter.nameContains, { field: 'filter.nameContains', max: MAX_SEARCH_LENGTH });
    if (filter.kinds?.length) query.andWhere('organisation.kind IN (:...kinds)', { kinds: filter.kinds });
    if (filter.nations?.length) query.andWhere('organisation.nation IN (:...nations)', { nations: filter.nations });
    if (region) query.andWhere('organisation.region = :region', { region });
    if (nameContains) query.andWhere(`organisation.name ILIKE :name ESCAPE '\\'`, { name: containsPattern(nameContains) });
    return pageAndPrime(page, keysetSource(query, { property: 'name', cursorValue: (o) => o.name }), this.loaders.organisationById);
  }
}
