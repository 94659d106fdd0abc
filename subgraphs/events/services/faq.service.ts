import type { DataSource, EntityManager } from 'typeorm';
import { badUserInput, forbidden, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import { paginate, readPage, type Connection, type ConnectionArgs } from '../../../platform/pagination';
import { Faq } from '../entities';
import type { CreateFaqInput, FaqStatus, FaqTopic, UpdateFaqInput } from '../generated/graphql';
import { authorizeChange } from '../../../platform/sign-in';
import { canManageFaqs } from '../policy';
import { faqMachine } from '../status-machines';
import type { Clock } from '../../../platform/clock';
import { requiredText, searchText, wholeNumber } from '../../../platform/input';
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
    const search = searchText(args.search, { field: 'search', max: FAQ_LIMITS.search });
    const query = this.dataSource.getRepository(Faq).createQueryBuilder('faq').where('faq.status = :status', { status });
    if (args.topic) query.andWhere('faq.topic = :topic', { topic: args.topic });
    const tsquery = search ? prefixTsQuery(search) : null;
    if (tsquery) query.andWhere(`faq.search @@ to_tsquery('english', :tsquery)`, { tsquery });
    return paginate(query, { property: 'ordinal', cursorValue: (faq) => faq.ordinal }, page);
  }

  async create(input: CreateFaqInput): Promise<Faq> {
    authorizeChange(this.viewer, canManageFaqs(this.viewer), 'Only platform admins may write FAQs.');
    const question = requiredText(input.question, { field: 'question', max: FAQ_LIMITS.question });
    const answer = requiredText(input.answer, { field: 'answer', max: FAQ_LIMITS.answer });
    const requested = input.position == null ? null : wholeNumber(input.position, { field: 'position', min: 0, max: FAQ_LIMITS.position });
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
    // Column names, written in one UPDATE after the version step.
    const changes: Record<string, unknown> = { updated_at: this.clock.now() };
    if (input.topic != null) changes.topic = input.topic;
    if (input.question != null) changes.question = requiredText(input.question, { field: 'question', max: FAQ_LIMITS.question });
    if (input.answer != null) changes.answer = requiredText(input.answer, { field: 'answer', max: FAQ_LIMITS.answer });
    if (input.position != null) changes.position = wholeNumber(input.position, { field: 'position', min: 0, max: FAQ_LIMITS.position });
    return this.dataSource.transaction(async (manager) => {
      const faq = await this.lock(manager, faqId);
      await this.stepVersion(manager, faq, version);
      await this.write(manager, faqId, changes);
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
      // The version first: a stale one is reported as such (with `currentVersion`), even when the status also refuses.
      await this.stepVersion(manager, faq, version);
      faqMachine.moveTo(to, faq);
      await this.write(manager, faqId, {
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
   * The version step on the locked FAQ (platform/optimistic-lock.ts), before any rule about its
   * status: a stale client `version` is refused with CONFLICT, `currentVersion` and `currentStatus`;
   * without one, last write wins. Every change comes through here, so the version moves on whoever
   * makes it; `write` then sets the columns in the same transaction.
   */
  private async stepVersion(manager: EntityManager, faq: Faq, version: number | null | undefined) {
    await updateAtVersion(manager, {
      table: 'events.faq',
      noun: 'FAQ',
      id: faq.id,
      expectedVersion: version ?? null,
      assignments: '',
      values: [],
      conflictFacts: () => ({ currentStatus: faq.status }),
    });
  }

  /** Writes `sets` (columns to values) to the locked FAQ, whose version stepVersion moved on. */
  private async write(manager: EntityManager, id: string, sets: Record<string, unknown>) {
    const { assignments, values } = assignmentsOf(sets, 2);
    await manager.query(`UPDATE events.faq SET ${assignments} WHERE id = $1`, [id, ...values]);
  }
}
