import type { DataSource } from 'typeorm';
import { badUserInput } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { containsPattern } from '../../../platform/sql';
import { paginate, readPage, type ConnectionArgs } from '../../../platform/pagination';
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
    if (filter.kinds?.length) query.andWhere('organisation.kind IN (:...kinds)', { kinds: filter.kinds });
    if (filter.nations?.length) query.andWhere('organisation.nation IN (:...nations)', { nations: filter.nations });
    if (filter.region && filter.region.length > MAX_REGION_LENGTH) {
      throw badUserInput(`"filter.region" may be at most ${MAX_REGION_LENGTH} characters.`, 'filter.region');
    }
    if (filter.region) query.andWhere('organisation.region = :region', { region: filter.region });
    if (filter.nameContains) {
      query.andWhere(`organisation.name ILIKE :name ESCAPE '\\'`, { name: containsPattern(filter.nameContains, 'filter.nameContains') });
    }
    const connection = await paginate(query, { property: 'name', cursorValue: (o) => o.name }, page);
    // Later lookups by id in this request (e.g. a person's organisation) then need no query.
    for (const { node } of connection.edges) this.loaders.organisationById.prime(node.id, node);
    return connection;
  }
}
