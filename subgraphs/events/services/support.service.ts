import type { DataSource, EntityManager } from 'typeorm';
import { badUserInput, forbidden, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { isPlatformStaff, type Identity } from '../../../platform/identity';
import { decodeCursor, readPage, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination';
import { defineRecorder } from '../../../platform/recorder';
import { recordDomainEvent } from '../../../platform/outbox';
import { SupportRequest, type SupportRequestEntry } from '../entities';
import type { RaiseSupportRequestInput, SupportRequestCapabilities, SupportRequestStatus } from '../generated/graphql';
import { authorizeChange } from '../../../platform/sign-in';
import { canRaiseSupportRequest, canSeeSupportRequest } from '../policy';
import { supportRequestMachine } from '../status-machines';
import type { Clock } from '../../../platform/clock';
import { requiredText } from '../../../platform/input';

export const SUPPORT_LIMITS = { subject: 200, message: 5000 } as const;

/** A request's messages and status changes (events.support_request_entry, append-only; read as `SupportRequestEntry`). */
const supportEntries = defineRecorder<
  Pick<SupportRequestEntry, 'requestId' | 'authorId' | 'authorIsStaff' | 'kind'> &
    Partial<Pick<SupportRequestEntry, 'body' | 'fromStatus' | 'toStatus'>>
>({
  table: 'events.support_request_entry',
  atColumn: 'created_at',
  columns: {
    requestId: 'request_id',
    authorId: 'author_id',
    authorIsStaff: 'author_is_staff',
    kind: 'kind',
    body: 'body',
    fromStatus: 'from_status',
    toStatus: 'to_status',
  },
});

const cursorValue = (request: SupportRequest) => request.createdAt.toISOString();

/**
 * Support requests: OPEN → ANSWERED → CLOSED, reopening an answered one within the window. Every
 * change locks the request row, updates its status and appends the message and the status change
 * to the append-only entries, in one transaction.
 */
export class SupportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly viewer: Identity,
  ) {}

  /** Newest first; the caller's organisation's requests, or every request for platform staff. */
  async list(args: ConnectionArgs & { statuses?: readonly SupportRequestStatus[] | null }): Promise<Connection<SupportRequest>> {
    const page = readPage(args);
    if (!this.viewer) return toConnection([], page, cursorValue, async () => 0);
    const query = this.dataSource.getRepository(SupportRequest).createQueryBuilder('request');
    if (!isPlatformStaff(this.viewer))
      query.where('request.organisationId = :organisationId', { organisationId: this.viewer.organisationId });
    if (args.statuses?.length) query.andWhere('request.status IN (:...statuses)', { statuses: args.statuses });
    const counting = query.clone();
    if (page.after) {
      const after = args.after ? decodeCursor(args.after) : null;
      if (!after || typeof after.sortValue !== 'string' || Number.isNaN(Date.parse(after.sortValue))) {
        throw badUserInput(`"${args.after}" is not a valid cursor.`, 'after');
      }
      query.andWhere('(request.createdAt, request.id) < (:afterCreated, :afterId)', {
        afterCreated: new Date(after.sortValue),
        afterId: after.id,
      });
    }
    const rows =
      page.size === 0
        ? []
        : await query
            .orderBy('request.createdAt', 'DESC')
            .addOrderBy('request.id', 'DESC')
            .limit(page.size + 1)
            .getMany();
    return toConnection(rows, page, cursorValue, () => counting.getCount());
  }

  /** The staff queue: OPEN requests, longest waiting first, in one statement. */
  async openLongest(first: number | null | undefined): Promise<SupportRequest[]> {
    if (!isPlatformStaff(this.viewer)) throw forbidden('Only platform staff see the support queue.');
    const size = readPage({ first }).size;
    if (size === 0) return [];
    return this.dataSource
      .getRepository(SupportRequest)
      .find({ where: { status: 'OPEN' }, order: { createdAt: 'ASC', id: 'ASC' }, take: size });
  }

  /** One request; null when missing or not the caller's to see. */
  async find(id: string): Promise<SupportRequest | null> {
    const request = await this.dataSource.getRepository(SupportRequest).findOneBy({ id: parseId(id) });
    return request && canSeeSupportRequest(this.viewer, request) ? request : null;
  }

  /** What the viewer may do with a request it can see, from the same rules the mutations enforce. */
  viewerCan(request: SupportRequest): SupportRequestCapabilities {
    return supportRequestMachine.capabilities(this.viewer, { ...request, now: this.clock.now() });
  }

  async raise(input: RaiseSupportRequestInput): Promise<SupportRequest> {
    authorizeChange(
      this.viewer,
      canRaiseSupportRequest(this.viewer),
      'Only people of an active member organisation may raise support requests.',
    );
    const viewer = this.viewer;
    const subject = requiredText(input.subject, { field: 'subject', max: SUPPORT_LIMITS.subject });
    const message = requiredText(input.message, { field: 'message', max: SUPPORT_LIMITS.message });
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager.insert(SupportRequest, {
        requesterId: viewer.personId,
        organisationId: viewer.organisationId,
        category: input.category,
        subject,
        status: 'OPEN',
        createdAt: now,
        updatedAt: now,
      });
      const id = (inserted.identifiers[0] as { id: string }).id;
      await this.append(manager, id, null, 'OPEN', message, now);
      return manager.findOneByOrFail(SupportRequest, { id });
    });
  }

  private async append(
    manager: EntityManager,
    requestId: string,
    from: SupportRequestStatus | null,
    to: SupportRequestStatus | null,
    message: string | null,
    now: Date,
  ) {
    const author = { at: now, requestId, authorId: this.viewer!.personId, authorIsStaff: isPlatformStaff(this.viewer) };
    if (message) await supportEntries.record(manager, { ...author, kind: 'MESSAGE', body: message });
    if (to) await supportEntries.record(manager, { ...author, kind: 'STATUS_CHANGE', fromStatus: from, toStatus: to });
  }

  /**
   * Locks the request, checks the rule (`supportRequestMachine`), takes `action` with the message,
   * in one transaction. Failing the rule's who is FORBIDDEN (`refusal`); failing only its state is
   * CONFLICT naming the current status. A stale `version` (optional) is refused first, with CONFLICT,
   * `currentVersion` and `currentStatus`; every change moves the version on.
   */
  private async change(
    id: string,
    action: (typeof supportRequestMachine.actions)[number],
    message: string | null,
    refusal: string,
    version: number | null | undefined,
  ): Promise<SupportRequest> {
    const requestId = parseId(id);
    authorizeChange(this.viewer, true, refusal);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const request = await manager
        .getRepository(SupportRequest)
        .findOne({ where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
      if (!request || !canSeeSupportRequest(this.viewer, request)) throw notFound('SupportRequest', requestId);
      const subject = { ...request, now };
      if (!supportRequestMachine.permits(action, this.viewer, subject)) throw forbidden(refusal);
      await updateAtVersion(manager, {
        table: 'events.support_request',
        noun: 'support request',
        id: requestId,
        expectedVersion: version ?? null,
        assignments: '',
        values: [],
        conflictFacts: () => ({ currentStatus: request.status }),
      });
      const to = supportRequestMachine.next(action, subject);
      const changes: Partial<SupportRequest> = { status: to, updatedAt: now };
      if (to === 'ANSWERED') changes.answeredAt = now;
      if (to === 'CLOSED') changes.closedAt = now;
      await manager.update(SupportRequest, { id: requestId }, changes);
      await this.append(manager, requestId, request.status, to, message, now);
      if (to === 'ANSWERED') {
        await recordDomainEvent(manager, {
          source: 'events',
          kind: 'support_request.answered',
          occurredAt: now,
          subject: { typename: 'SupportRequest', id: requestId },
          facts: {
            supportRequestId: requestId,
            subject: request.subject,
            requesterPersonId: request.requesterId,
            requesterOrganisationId: request.organisationId,
            answeredByPersonId: this.viewer!.personId,
          },
        });
      }
      return manager.findOneByOrFail(SupportRequest, { id: requestId });
    });
  }

  answer(id: string, message: string, version?: number | null) {
    const text = requiredText(message, { field: 'message', max: SUPPORT_LIMITS.message });
    return this.change(id, 'answer', text, 'Only platform staff answer support requests.', version);
  }

  close(id: string, version?: number | null) {
    return this.change(id, 'close', null, 'Only the requester’s organisation and platform staff may close this request.', version);
  }

  reopen(id: string, message: string, version?: number | null) {
    const text = requiredText(message, { field: 'message', max: SUPPORT_LIMITS.message });
    return this.change(id, 'reopen', text, 'Only the requester’s organisation may reopen this request.', version);
  }
}
