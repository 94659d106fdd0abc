import type { DataSource, EntityManager } from 'typeorm';
import { badUserInput, conflict, forbidden, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import { paginate, readPage, type Connection, type ConnectionArgs } from '../../../platform/pagination';
import { Faq } from '../entities';
import type { CreateFaqInput, FaqStatus, FaqTopic, UpdateFaqInput } from '../generated/graphql';
import { authorizeChange } from '../../../platform/sign-in';
import { canManageFaqs } from '../policy';
import type { Clock } from '../../../platform/clock';
import { readInteger, readText } from './input';
import { assignmentsOf, updateAtVersion } from '../../../platform/optimistic-lock';

export const FAQ_LIMITS = { question: 300, answer: 5000, search: 200, position: 99_999 } as const;

/**
 * The search text as a tsquery: words joined with AND, the last one a prefix ("procure" finds
 * "procurement"), as the catalogue's search does. Only letters and digits pass, so nothing the
 * caller types can break the tsquery syntax. Null when no word remains.
 */
export function prefixTsQuery(search: string): string | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words.map((word, i) => (i === words.length - 1 ? `${word}:*` : word)).join(' & ');
}

export class FaqService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly viewer: Identity,
  ) {}

  async list(
    args: ConnectionArgs & { topic?: FaqTopic | null; search?: string | null; status?: FaqStatus | null },
  ): Promise<Connection<Faq>> {
    const page = readPage(args);
    if (page.after && typeof page.after.sortValue !== 'number') throw badUserInput(`"${args.after}" is not a valid cursor.`, 'after');
    const status = args.status ?? 'PUBLISHED';
    if (status === 'DRAFT' && !canManageFaqs(this.viewer)) throw forbidden('Only platform admins may read draft FAQs.');
    if (args.search && args.search.length > FAQ_LIMITS.search)
      throw badUserInput(`"search" must be at most ${FAQ_LIMITS.search} characters.`, 'search');
    const query = this.dataSource.getRepository(Faq).createQueryBuilder('faq').where('faq.status = :status', { status });
    if (args.topic) query.andWhere('faq.topic = :topic', { topic: args.topic });
    const tsquery = args.search ? prefixTsQuery(args.search) : null;
    if (tsquery) query.andWhere(`faq.search @@ to_tsquery('english', :tsquery)`, { tsquery });
    return paginate(query, { property: 'ordinal', cursorValue: (faq) => faq.ordinal }, page);
  }

  async create(input: CreateFaqInput): Promise<Faq> {
    authorizeChange(this.viewer, canManageFaqs(this.viewer), 'Only platform admins may write FAQs.');
    const question = readText(input.question, 'question', FAQ_LIMITS.question);
    const answer = readText(input.answer, 'answer', FAQ_LIMITS.answer);
    const requested = input.position == null ? null : readInteger(input.position, 'position', 0, FAQ_LIMITS.position);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const [{ next }] = (await manager.query(`SELECT coalesce(max(position) + 10, 0)::int AS next FROM events.faq WHERE topic = $1`, [
        input.topic,
      ])) as [{ next: number }];
      const position = requested ?? Math.min(next, FAQ_LIMITS.position);
      const inserted = await manager.insert(Faq, {
        topic: input.topic,
        question,
        answer,
        status: 'DRAFT',
        position,
        createdAt: now,
        updatedAt: now,
      });
      return manager.findOneByOrFail(Faq, { id: (inserted.identifiers[0] as { id: string }).id });
    });
  }

  async update(id: string, input: UpdateFaqInput, version?: number | null): Promise<Faq> {
    authorizeChange(this.viewer, canManageFaqs(this.viewer), 'Only platform admins may edit FAQs.');
    const faqId = parseId(id);
    // Column names, written with the version step in one UPDATE.
    const changes: Record<string, unknown> = { updated_at: this.clock.now() };
    if (input.topic != null) changes.topic = input.topic;
    if (input.question != null) changes.question = readText(input.question, 'question', FAQ_LIMITS.question);
    if (input.answer != null) changes.answer = readText(input.answer, 'answer', FAQ_LIMITS.answer);
    if (input.position != null) changes.position = readInteger(input.position, 'position', 0, FAQ_LIMITS.position);
    return this.dataSource.transaction(async (manager) => {
      const faq = await this.lock(manager, faqId);
      await this.writeAtVersion(manager, faq, version, changes);
      return manager.findOneByOrFail(Faq, { id: faqId });
    });
  }

  async setStatus(id: string, to: FaqStatus, version?: number | null): Promise<Faq> {
    authorizeChange(this.viewer, canManageFaqs(this.viewer), 'Only platform admins may publish FAQs.');
    const faqId = parseId(id);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      // The row lock queues two admins publishing at once: the second finds it already PUBLISHED.
      const faq = await this.lock(manager, faqId);
      if (faq.status === to) throw conflict(`The FAQ is already ${faq.status}.`, { currentStatus: faq.status });
      await this.writeAtVersion(manager, faq, version, {
        status: to,
        updated_at: now,
        ...(to === 'PUBLISHED' ? { published_at: now } : {}),
      });
      return manager.findOneByOrFail(Faq, { id: faqId });
    });
  }

  private async lock(manager: EntityManager, id: string): Promise<Faq> {
    const faq = await manager
      .getRepository(Faq)
      .createQueryBuilder('faq')
      .setLock('pessimistic_write')
      .where('faq.id = :id', { id })
      .getOne();
    if (!faq) throw notFound('Faq', id);
    return faq;
  }

  /**
   * Writes `sets` (columns to values) to the locked FAQ and moves its version on, refusing with
   * CONFLICT and `currentVersion` when the client's `version` is stale; without one, last write wins.
   */
  private async writeAtVersion(manager: EntityManager, faq: Faq, version: number | null | undefined, sets: Record<string, unknown>) {
    await updateAtVersion(manager, {
      table: 'events.faq',
      noun: 'FAQ',
      id: faq.id,
      expectedVersion: version ?? null,
      ...assignmentsOf(sets),
      conflictFacts: () => ({ currentStatus: faq.status }),
    });
  }
}
