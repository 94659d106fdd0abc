import DataLoader from 'dataloader';
import { In, IsNull, type DataSource } from 'typeorm';
import { createByIdLoader, firstRowsPerParentSql, groupByKeys, loaderPerArguments } from '../../../platform/loaders';
import { ClarificationQuestion, Contract, ProcurementProject, ProcurementResponse } from '../entities';

export const createProjectByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(ProcurementProject));
export const createQuestionByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(ClarificationQuestion));
export const createResponseByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(ProcurementResponse));

/** Rows of a small per-project table, grouped by project, one query per batch. */
function perProject<T>(dataSource: DataSource, sql: string, keyOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (projectIds) => {
    const rows: T[] = await dataSource.query(sql, [[...projectIds]]);
    return groupByKeys(projectIds, rows, keyOf);
  });
}

export const createInvitedSupplierIdsLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (projectIds) => {
    const rows: { project_id: string; supplier_id: string }[] = await dataSource.query(
      `SELECT project_id, supplier_id FROM procurement.invitation WHERE project_id = ANY($1) ORDER BY supplier_id`,
      [[...projectIds]],
    );
    return groupByKeys(projectIds, rows, (row) => row.project_id).map((group) => group.map((row) => row.supplier_id));
  });

export interface ShortlistRow {
  project_id: string;
  innovation_id: string;
  supplier_id: string;
}
export const createShortlistLoader = (dataSource: DataSource) =>
  perProject<ShortlistRow>(
    dataSource,
    `SELECT project_id, innovation_id, supplier_id FROM procurement.shortlisted_innovation WHERE project_id = ANY($1) ORDER BY innovation_id`,
    (row) => row.project_id,
  );

export const createQuestionsByProjectLoader = (dataSource: DataSource) =>
  new DataLoader<string, ClarificationQuestion[]>(async (projectIds) => {
    const rows = await dataSource.getRepository(ClarificationQuestion).find({
      where: { projectId: In([...projectIds]) },
      order: { askedAt: 'ASC', id: 'ASC' },
    });
    return groupByKeys(projectIds, rows, (row) => row.projectId);
  });

/**
 * Every standing response of many projects: only ever called once policy allows reading them all.
 * A withdrawn response is no tender, so it is left out here (and of `responderIds`).
 */
export const createResponsesByProjectLoader = (dataSource: DataSource) =>
  new DataLoader<string, ProcurementResponse[]>(async (projectIds) => {
    const rows = await dataSource.getRepository(ProcurementResponse).find({
      where: { projectId: In([...projectIds]), withdrawnAt: IsNull() },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
    return groupByKeys(projectIds, rows, (row) => row.projectId);
  });

/** One supplier's own responses to many projects (a sealed bid is read back only by its author), withdrawn ones too. */
export const createOwnResponsesLoader = (dataSource: DataSource, supplierId: string) =>
  new DataLoader<string, ProcurementResponse[]>(async (projectIds) => {
    const rows = await dataSource.getRepository(ProcurementResponse).find({
      where: { projectId: In([...projectIds]), supplierId },
    });
    return groupByKeys(projectIds, rows, (row) => row.projectId);
  });

/** Who responded and how many (standing responses; a withdrawn one is no tender): no content is read. */
export const createResponderIdsLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (projectIds) => {
    const rows: { project_id: string; supplier_id: string }[] = await dataSource.query(
      `SELECT project_id, supplier_id FROM procurement.response WHERE project_id = ANY($1) AND withdrawn_at IS NULL`,
      [[...projectIds]],
    );
    return groupByKeys(projectIds, rows, (row) => row.project_id).map((group) => group.map((row) => row.supplier_id));
  });

export interface ScoreRow {
  response_id: string;
  evaluator_id: string;
  criterion: string;
  score: number;
  comment: string | null;
}
export const createScoresByResponseLoader = (dataSource: DataSource) =>
  new DataLoader<string, ScoreRow[]>(async (responseIds) => {
    const rows: ScoreRow[] = await dataSource.query(
      `SELECT response_id, evaluator_id, criterion, score, comment FROM procurement.score
        WHERE response_id = ANY($1) ORDER BY criterion, evaluator_id`,
      [[...responseIds]],
    );
    return groupByKeys(responseIds, rows, (row) => row.response_id);
  });

/** The awarded response of many projects (its id only). */
export const createWinningResponseLoader = (dataSource: DataSource) =>
  new DataLoader<string, string | null>(async (projectIds) => {
    const rows: { project_id: string; id: string }[] = await dataSource.query(
      `SELECT project_id, id FROM procurement.response WHERE project_id = ANY($1) AND outcome = 'AWARDED'`,
      [[...projectIds]],
    );
    const byProject = new Map(rows.map((row) => [row.project_id, row.id]));
    return projectIds.map((id) => byProject.get(id) ?? null);
  });

/** The viewer's own conflict declarations on many projects in one query: per project, supplier id → whether in conflict. */
export const createDeclarationLoader = (dataSource: DataSource, personId: string | null) =>
  new DataLoader<string, ReadonlyMap<string, boolean>>(async (projectIds) => {
    if (!personId) return projectIds.map(() => new Map());
    const rows: { project_id: string; supplier_id: string; has_conflict: boolean }[] = await dataSource.query(
      `SELECT project_id, supplier_id, has_conflict FROM procurement.conflict_declaration WHERE project_id = ANY($1) AND evaluator_id = $2`,
      [[...projectIds], personId],
    );
    return projectIds.map((id) => new Map(rows.filter((row) => row.project_id === id).map((row) => [row.supplier_id, row.has_conflict])));
  });

export const createContractByProjectLoader = (dataSource: DataSource) =>
  new DataLoader<string, Contract | null>(async (projectIds) => {
    const rows = await dataSource.getRepository(Contract).find({ where: { projectId: In([...projectIds]) } });
    const byProject = new Map(rows.map((row) => [row.projectId, row]));
    return projectIds.map((id) => byProject.get(id) ?? null);
  });

/**
 * Contracts where each organisation is buyer or supplier, ordered by start date, the first `first`
 * of each, in one statement. Public. A contract is numbered under both its parties: one kept for
 * its buyer can reach its supplier beyond that supplier's `first`, so each list is cut again.
 */
export const createContractsByOrganisationLoaders = (dataSource: DataSource) =>
  loaderPerArguments(
    (first: number) =>
      new DataLoader<string, Contract[]>(async (organisationIds) => {
        const kept = firstRowsPerParentSql(
          `SELECT party.organisation_id, contract.id, contract.starts_on
             FROM procurement.contract contract
             JOIN unnest(CAST(:ids AS uuid[])) AS party (organisation_id)
               ON party.organisation_id IN (contract.buyer_id, contract.supplier_id)`,
          { parent: 'organisation_id', orderBy: 'starts_on, id', limit: first },
        );
        const rows = await dataSource
          .getRepository(Contract)
          .createQueryBuilder('contract')
          .where(`contract.id IN (SELECT kept.id FROM (${kept}) AS kept)`, { ids: [...organisationIds] })
          .orderBy('contract.startsOn', 'ASC')
          .addOrderBy('contract.id', 'ASC')
          .getMany();
        return organisationIds.map((id) => rows.filter((row) => row.buyerId === id || row.supplierId === id).slice(0, first));
      }),
  );
