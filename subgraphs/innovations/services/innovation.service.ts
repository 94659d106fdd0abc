import type { DataSource } from 'typeorm';
import { parseId } from '../../../platform/ids';
import { paginate, readPage, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination';
import { Innovation } from '../entities';
import type { InnovationFilter } from '../generated/graphql';
import type { InnovationsLoaders } from '../loaders';
import { applyInnovationVisibility, canSeeInnovation, type InnovationVisibility } from '../policy';
import { applyInnovationCriteria, readInnovationFilter } from './innovation-criteria';

type ListArgs = ConnectionArgs & { filter?: InnovationFilter | null };

const byTitle = (innovation: Innovation) => innovation.title;

export class InnovationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: InnovationsLoaders,
    private readonly visibility: InnovationVisibility,
  ) {}

  /** One innovation by id (`innovation(id)` and `_entities`); null when the viewer may not see it, as if missing. */
  async findById(id: string): Promise<Innovation | null> {
    const innovation = await this.loaders.innovationById.load(parseId(id));
    return innovation && canSeeInnovation(this.visibility, innovation) ? innovation : null;
  }

  /** The catalogue as the viewer may see it, ordered by title then id; arguments are validated before any SQL. */
  async list(args: ListArgs): Promise<Connection<Innovation>> {
    const page = readPage(args);
    const criteria = readInnovationFilter(args.filter);
    const query = applyInnovationCriteria(this.dataSource.getRepository(Innovation).createQueryBuilder('innovation'), criteria);
    // Before paginate clones it for the count, so the page and totalCount see the same rows.
    applyInnovationVisibility(query, this.visibility);
    const connection = await paginate(query, { property: 'title', cursorValue: byTitle }, page);
    this.prime(connection);
    return connection;
  }

  /**
   * One supplier's innovations, as the viewer may see them. Batched across every supplier the request asks about with the same
   * arguments; the count runs only if `totalCount` is selected, again once for all of them.
   */
  async listBySupplier(supplierId: string, args: ListArgs): Promise<Connection<Innovation>> {
    const page = readPage(args);
    const criteria = readInnovationFilter(args.filter);
    const id = parseId(supplierId);
    const { innovationsBySupplier } = this.loaders;
    const rows = await innovationsBySupplier.page(page, criteria).load(id);
    const connection = toConnection(rows, page, byTitle, () => innovationsBySupplier.count(criteria).load(id));
    this.prime(connection);
    return connection;
  }

  // A later `_entities` or `innovation(id:)` for a listed innovation then needs no query.
  private prime(connection: Connection<Innovation>): void {
    for (const { node } of connection.edges) this.loaders.innovationById.prime(node.id, node);
  }
}
