import type { DataSource } from 'typeorm';
import { badUserInput, conflict, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { hasPlatformRole, type Identity } from '../../../platform/identity';
import { Lot, ProcurementRoute } from '../entities';
import type { CreateLotInput, CreateProcurementRouteInput, RouteStatus, UpdateProcurementRouteInput } from '../generated/graphql';
import type { Clock } from './clock';
import { audit, illegalState, optionalText, refuse, requireText, updateAtVersion } from './write-helpers';

const lifecycle: RouteStatus[] = ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED'];
const dynamicKinds = ['DYNAMIC_PURCHASING_SYSTEM', 'DYNAMIC_MARKET'];

/** The statuses a route may move to next: one step on, or OPEN → LIVE for dynamic routes (no closed evaluation), or EXPIRED early. */
export function nextRouteStatuses(route: Pick<ProcurementRoute, 'kind' | 'status'>): RouteStatus[] {
  const index = lifecycle.indexOf(route.status);
  const next = lifecycle.slice(index + 1, index + 2);
  if (dynamicKinds.includes(route.kind) && route.status === 'OPEN') next.push('LIVE');
  if (route.status === 'LIVE' || route.status === 'STANDSTILL') next.push('EXPIRED');
  return [...new Set(next)];
}

/** Staff edits of routes and lots: PLATFORM_ADMIN only, audited, optimistically locked. */
export class RouteAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly viewer: Identity,
    private readonly clock: Clock,
  ) {}

  private authorize(): void {
    if (!hasPlatformRole(this.viewer, 'PLATFORM_ADMIN')) refuse(this.viewer, 'Only PLATFORM_ADMIN manages procurement routes.');
  }

  async create(input: CreateProcurementRouteInput): Promise<ProcurementRoute> {
    this.authorize();
    const values = {
      reference: requireText(input.reference, 'reference', 1, 40),
      name: requireText(input.name, 'name', 1, 200),
      kind: input.kind,
      regime: input.regime,
      ownerId: parseId(input.ownerId, 'ownerId'),
      description: requireText(input.description, 'description', 1, 4000),
      guidance: optionalText(input.guidance, 'guidance', 4000),
      feePercent: input.feePercent,
      eligibleNations: input.eligibleNations,
      eligibleOrganisationKinds: (input.eligibleOrganisationKinds ?? []).map((k) => requireText(k, 'eligibleOrganisationKinds', 1, 40)),
      opensOn: input.opensOn ?? null,
      startsOn: input.startsOn ?? null,
      expiresOn: input.expiresOn ?? null,
      status: 'COMING' as const,
    };
    if (!(values.feePercent >= 0 && values.feePercent <= 100)) throw badUserInput('"feePercent" must be from 0 to 100.', 'feePercent');
    if (values.eligibleNations.length === 0) throw badUserInput('"eligibleNations" needs at least one nation.', 'eligibleNations');
    return this.dataSource.transaction(async (manager) => {
      if (await manager.findOne(ProcurementRoute, { where: { reference: values.reference } })) {
        throw conflict(`A route ${values.reference} already exists.`, { currentStatus: 'EXISTS' });
      }
      const { identifiers } = await manager.insert(ProcurementRoute, values);
      const id = identifiers[0]!.id as string;
      await audit(manager, { subjectType: 'ROUTE', subjectId: id, actorId: this.viewer!.personId, at: this.clock.now(), action: 'CREATE', toStatus: 'COMING' });
      return manager.findOneOrFail(ProcurementRoute, { where: { id } });
    });
  }

  async update(input: UpdateProcurementRouteInput): Promise<ProcurementRoute> {
    this.authorize();
    const id = parseId(input.routeId, 'routeId');
    return this.dataSource.transaction(async (manager) => {
      const route = await manager.findOne(ProcurementRoute, { where: { id } });
      if (!route) throw notFound('ProcurementRoute', id);
      if (input.status && input.status !== route.status && !nextRouteStatuses(route).includes(input.status)) {
        illegalState(`A ${route.status} route cannot become ${input.status}.`, route.status);
      }
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length + 2}`);
      };
      if (input.status) set('status', input.status);
      if (input.name != null) set('name', requireText(input.name, 'name', 1, 200));
      if (input.description != null) set('description', requireText(input.description, 'description', 1, 4000));
      if (input.guidance !== undefined) set('guidance', optionalText(input.guidance, 'guidance', 4000));
      if (input.eligibleNations) {
        if (!input.eligibleNations.length) throw badUserInput('"eligibleNations" needs at least one nation.', 'eligibleNations');
        set('eligible_nations', input.eligibleNations);
      }
      if (input.eligibleOrganisationKinds) set('eligible_organisation_kinds', input.eligibleOrganisationKinds.map((k) => requireText(k, 'eligibleOrganisationKinds', 1, 40)));
      if (input.startsOn !== undefined) set('starts_on', input.startsOn);
      if (input.expiresOn !== undefined) set('expires_on', input.expiresOn);
      if (sets.length === 0) throw badUserInput('Nothing to change.', 'input');
      if (route.version !== input.version || !(await updateAtVersion(manager, 'route', id, input.version, sets.join(', '), values))) {
        throw conflict(`The route changed since version ${input.version}; reload it and try again.`, { currentStatus: route.status, currentVersion: route.version });
      }
      await audit(manager, { subjectType: 'ROUTE', subjectId: id, actorId: this.viewer!.personId, at: this.clock.now(), action: 'UPDATE', fromStatus: route.status, toStatus: input.status ?? route.status });
      return manager.findOneOrFail(ProcurementRoute, { where: { id } });
    });
  }

  async createLot(input: CreateLotInput): Promise<Lot> {
    this.authorize();
    const routeId = parseId(input.routeId, 'routeId');
    const title = requireText(input.title, 'title', 1, 200);
    const scope = requireText(input.scope, 'scope', 1, 4000);
    if (!input.categories.length) throw badUserInput('"categories" needs at least one category.', 'categories');
    if (!input.awardProcedures.length) throw badUserInput('"awardProcedures" needs at least one procedure.', 'awardProcedures');
    return this.dataSource.transaction(async (manager) => {
      const route = await manager.findOne(ProcurementRoute, { where: { id: routeId } });
      if (!route) throw notFound('ProcurementRoute', routeId);
      if (dynamicKinds.includes(route.kind) && input.awardProcedures.some((p) => p !== 'FURTHER_COMPETITION')) {
        throw badUserInput('Lots of a DPS or dynamic market allow FURTHER_COMPETITION only.', 'awardProcedures');
      }
      if (route.status === 'EXPIRED') illegalState('An expired route takes no new lots.', route.status);
      const [{ next }] = (await manager.query(`SELECT coalesce(max(number), 0) + 1 AS next FROM procurement.lot WHERE route_id = $1`, [routeId])) as [{ next: number }];
      const { identifiers } = await manager.insert(Lot, {
        routeId, routeKind: route.kind, number: next, title, scope, categories: input.categories, awardProcedures: input.awardProcedures,
      });
      const id = identifiers[0]!.id as string;
      await audit(manager, { subjectType: 'ROUTE', subjectId: routeId, actorId: this.viewer!.personId, at: this.clock.now(), action: 'CREATE_LOT', reason: `Lot ${next}: ${title}` });
      return manager.findOneOrFail(Lot, { where: { id } });
    });
  }
}
