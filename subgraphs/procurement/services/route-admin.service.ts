import type { DataSource } from 'typeorm';
import { badUserInput, conflict, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { hasPlatformRole, type Identity } from '../../../platform/identity';
import { Lot, ProcurementRoute } from '../entities';
import type {
  AwardProcedure,
  CreateLotInput,
  CreateProcurementRouteInput,
  Nation,
  ProcurementRegime,
  RouteKind,
  UpdateLotInput,
  UpdateProcurementRouteInput,
} from '../generated/graphql';
import { dayOf, type Clock } from '../../../platform/clock';
import { isDynamicRoute, routeStatusDates, routeStatusOn, validateRouteDates, type RouteDates } from './route-lifecycle';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { refuse } from '../../../platform/sign-in';
import { boundedList, decimalNumber, optionalText, requiredText } from '../../../platform/input';
import { routeMachine } from '../status-machines';
import { audit } from './write-helpers';

/** Lots of a DPS or dynamic market invite every admitted supplier to compete: no direct award. */
function checkAwardProcedures(route: { kind: RouteKind }, procedures: readonly AwardProcedure[]): void {
  boundedList(procedures, { field: 'awardProcedures', min: 1 });
  if (isDynamicRoute(route) && procedures.some((p) => p !== 'FURTHER_COMPETITION')) {
    throw badUserInput('Lots of a DPS or dynamic market allow FURTHER_COMPETITION only.', 'awardProcedures');
  }
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
    const dates: RouteDates = {
      opensOn: input.opensOn ?? null,
      applicationsCloseOn: input.applicationsCloseOn ?? null,
      standstillStartsOn: input.standstillStartsOn ?? null,
      startsOn: input.startsOn ?? null,
      expiresOn: input.expiresOn ?? null,
    };
    const values = {
      reference: requiredText(input.reference, { field: 'reference', max: 40 }),
      name: requiredText(input.name, { field: 'name', max: 200 }),
      kind: input.kind,
      regime: input.regime,
      ownerId: parseId(input.ownerId, 'ownerId'),
      description: requiredText(input.description, { field: 'description', max: 4000 }),
      guidance: optionalText(input.guidance, { field: 'guidance', max: 4000 }),
      feePercent: decimalNumber(input.feePercent, { field: 'feePercent', min: 0, max: 100 }),
      eligibleNations: boundedList(input.eligibleNations, { field: 'eligibleNations', min: 1 }),
      eligibleOrganisationKinds: (input.eligibleOrganisationKinds ?? []).map((k) =>
        requiredText(k, { field: 'eligibleOrganisationKinds', max: 40 }),
      ),
      ...dates,
    };
    if (values.kind === 'DYNAMIC_MARKET' && values.regime !== 'PROCUREMENT_ACT_2023') {
      throw badUserInput('Dynamic markets exist only under the Procurement Act 2023.', 'regime');
    }
    requireScottishNationsOnly(values.regime, values.eligibleNations);
    validateRouteDates(values.kind, dates);
    return this.dataSource.transaction(async (manager) => {
      if (await manager.findOne(ProcurementRoute, { where: { reference: values.reference } })) {
        throw conflict(`A route ${values.reference} already exists.`, { currentStatus: 'EXISTS' });
      }
      const { identifiers } = await manager.insert(ProcurementRoute, values);
      const id = identifiers[0]!.id as string;
      const now = this.clock.now();
      await audit(manager, {
        subjectType: 'ROUTE',
        subjectId: id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'CREATE',
        toStatus: routeStatusOn(dates, dayOf(now)),
      });
      return manager.findOneOrFail(ProcurementRoute, { where: { id } });
    });
  }

  async update(input: UpdateProcurementRouteInput): Promise<ProcurementRoute> {
    this.authorize();
    const id = parseId(input.routeId, 'routeId');
    return this.dataSource.transaction(async (manager) => {
      const route = await manager.findOne(ProcurementRoute, { where: { id } });
      if (!route) throw notFound('ProcurementRoute', id);
      const today = dayOf(this.clock.now());
      const from = routeStatusOn(route, today);
      const dates: RouteDates = {
        opensOn: input.opensOn !== undefined ? input.opensOn : route.opensOn,
        applicationsCloseOn: input.applicationsCloseOn !== undefined ? input.applicationsCloseOn : route.applicationsCloseOn,
        standstillStartsOn: input.standstillStartsOn !== undefined ? input.standstillStartsOn : route.standstillStartsOn,
        startsOn: input.startsOn !== undefined ? input.startsOn : route.startsOn,
        expiresOn: input.expiresOn !== undefined ? input.expiresOn : route.expiresOn,
      };
      if (input.status && input.status !== from) {
        // One step on, OPEN → LIVE for a dynamic route, or EXPIRED early (routeMachine).
        routeMachine.moveTo(input.status, { kind: route.kind, status: from, reference: route.reference });
        // Moving on now means the status starts today: its date becomes today.
        const starting = routeStatusDates.find((entry) => entry.status === input.status)!;
        if (input[starting.property] != null && input[starting.property] !== today) {
          throw badUserInput(`"status" ${input.status} sets "${starting.property}" to today; do not give both.`, starting.property);
        }
        dates[starting.property] = today;
      }
      validateRouteDates(route.kind, dates);
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length + 2}`);
      };
      for (const { property, column } of routeStatusDates) if (dates[property] !== route[property]) set(column, dates[property]);
      if (input.name != null) set('name', requiredText(input.name, { field: 'name', max: 200 }));
      if (input.description != null) set('description', requiredText(input.description, { field: 'description', max: 4000 }));
      if (input.guidance !== undefined) set('guidance', optionalText(input.guidance, { field: 'guidance', max: 4000 }));
      if (input.eligibleNations) {
        boundedList(input.eligibleNations, { field: 'eligibleNations', min: 1 });
        requireScottishNationsOnly(route.regime, input.eligibleNations);
        set('eligible_nations', input.eligibleNations);
      }
      if (input.eligibleOrganisationKinds)
        set(
          'eligible_organisation_kinds',
          input.eligibleOrganisationKinds.map((k) => requiredText(k, { field: 'eligibleOrganisationKinds', max: 40 })),
        );
      if (sets.length === 0) throw badUserInput('Nothing to change.', 'input');
      await updateAtVersion(manager, {
        table: 'procurement.route',
        noun: 'route',
        id,
        expectedVersion: input.version,
        assignments: sets.join(', '),
        values,
        conflictFacts: async () => ({
          currentStatus: routeStatusOn(await manager.findOneOrFail(ProcurementRoute, { where: { id } }), today),
        }),
      });
      await audit(manager, {
        subjectType: 'ROUTE',
        subjectId: id,
        actorId: this.viewer!.personId,
        at: this.clock.now(),
        action: 'UPDATE',
        fromStatus: from,
        toStatus: routeStatusOn(dates, today),
      });
      return manager.findOneOrFail(ProcurementRoute, { where: { id } });
    });
  }

  async createLot(input: CreateLotInput): Promise<Lot> {
    this.authorize();
    const routeId = parseId(input.routeId, 'routeId');
    const title = requiredText(input.title, { field: 'title', max: 200 });
    const scope = requiredText(input.scope, { field: 'scope', max: 4000 });
    boundedList(input.categories, { field: 'categories', min: 1 });
    return this.dataSource.transaction(async (manager) => {
      const route = await manager.findOne(ProcurementRoute, { where: { id: routeId } });
      if (!route) throw notFound('ProcurementRoute', routeId);
      checkAwardProcedures(route, input.awardProcedures);
      const status = routeStatusOn(route, dayOf(this.clock.now()));
      routeMachine.assertCan('addLot', { kind: route.kind, status, reference: route.reference });
      const [{ next }] = (await manager.query(`SELECT coalesce(max(number), 0) + 1 AS next FROM procurement.lot WHERE route_id = $1`, [
        routeId,
      ])) as [{ next: number }];
      const { identifiers } = await manager.insert(Lot, {
        routeId,
        routeKind: route.kind,
        number: next,
        title,
        scope,
        categories: [...new Set(input.categories)],
        awardProcedures: [...new Set(input.awardProcedures)],
      });
      const id = identifiers[0]!.id as string;
      await audit(manager, {
        subjectType: 'ROUTE',
        subjectId: routeId,
        actorId: this.viewer!.personId,
        at: this.clock.now(),
        action: 'CREATE_LOT',
        reason: `Lot ${next}: ${title}`,
      });
      return manager.findOneOrFail(Lot, { where: { id } });
    });
  }

  async updateLot(input: UpdateLotInput): Promise<Lot> {
    this.authorize();
    const id = parseId(input.lotId, 'lotId');
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.findOne(Lot, { where: { id } });
      if (!lot) throw notFound('Lot', id);
      const route = await manager.findOneOrFail(ProcurementRoute, { where: { id: lot.routeId } });
      const status = routeStatusOn(route, dayOf(this.clock.now()));
      routeMachine.assertCan('editLot', { kind: route.kind, status, reference: route.reference });
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length + 2}`);
      };
      if (input.title != null) set('title', requiredText(input.title, { field: 'title', max: 200 }));
      if (input.scope != null) set('scope', requiredText(input.scope, { field: 'scope', max: 4000 }));
      if (input.categories) {
        boundedList(input.categories, { field: 'categories', min: 1 });
        set('categories', [...new Set(input.categories)]);
      }
      if (input.awardProcedures) {
        checkAwardProcedures(route, input.awardProcedures);
        set('award_procedures', [...new Set(input.awardProcedures)]);
      }
      if (sets.length === 0) throw badUserInput('Nothing to change.', 'input');
      await updateAtVersion(manager, {
        table: 'procurement.lot',
        noun: 'lot',
        id,
        expectedVersion: input.version,
        assignments: sets.join(', '),
        values,
        conflictFacts: () => ({ currentStatus: status }),
      });
      await audit(manager, {
        subjectType: 'ROUTE',
        subjectId: route.id,
        actorId: this.viewer!.personId,
        at: this.clock.now(),
        action: 'UPDATE_LOT',
        reason: `Lot ${lot.number}`,
      });
      return manager.findOneOrFail(Lot, { where: { id } });
    });
  }
}

/** The Public Contracts (Scotland) Regulations 2015 govern Scottish bodies only, so such a route serves Scotland alone. */
function requireScottishNationsOnly(regime: ProcurementRegime, nations: readonly Nation[]): void {
  if (regime === 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' && nations.some((nation) => nation !== 'SCOTLAND')) {
    throw badUserInput(
      'A route under the Public Contracts (Scotland) Regulations 2015 is for Scottish bodies: "eligibleNations" must be [SCOTLAND].',
      'eligibleNations',
    );
  }
}
