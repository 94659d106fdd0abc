import type { DataSource } from 'typeorm';
import { demoInnovations } from '../../demo-data/innovations';
import { demoVetting } from '../../demo-data/innovation-vetting';
import {
  Assessment,
  AssessorAssignment,
  AuditEvent,
  Certification,
  ConflictDeclaration,
  Endorsement,
  Evidence,
  Innovation,
  InnovationRevision,
  type InnovationContent,
} from './entities';
import type { InnovationAuditAction, InnovationStatus } from './generated/graphql';
import { contentOf } from './services/innovation-content';

const criteriaComment = 'Scored against the published criteria; see the evidence items.';
const chunk = 500;

/** Inserts the demo innovations and their vetting history, in one transaction, when there are none yet. */
export async function seedDemoData(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(Innovation)) > 0) return;
    const states = new Map(demoVetting.states.map((state) => [state.innovationId, state]));
    const rows = demoInnovations.map(({ key: _key, ...innovation }) => {
      const state = states.get(innovation.id)!;
      const content: InnovationContent = contentOf({
        ...innovation,
        trlJustification: null,
        suitsNations: [],
        suitsOrganisationKinds: [],
        links: [],
      });
      return {
        ...content,
        id: innovation.id,
        supplierId: innovation.supplierId,
        status: innovation.status,
        reviewRound: state.reviewRound,
        revisionStatus: state.revision?.status ?? null,
        pendingContent: state.revision ? { ...content, title: state.revision.title, summary: state.revision.summary } : null,
      };
    });
    await manager.insert(Innovation, rows);
    const listed = rows.filter((row) => states.get(row.id)!.approvedAt);
    await manager.insert(
      InnovationRevision,
      listed.map((row) => {
        const state = states.get(row.id)!;
        const { id: _id, supplierId: _s, status: _st, reviewRound: _r, revisionStatus: _rs, pendingContent: _p, ...content } = row;
        return { innovationId: row.id, number: 1, ...content, content, approvedAt: state.approvedAt!, supersededAt: state.delistedAt };
      }),
    );
    const insertAll = async <T extends object>(entity: new () => T, values: T[]) => {
      for (let i = 0; i < values.length; i += chunk) await manager.insert(entity, values.slice(i, i + chunk) as never);
    };
    await insertAll(Evidence, demoVetting.evidence as Evidence[]);
    await insertAll(Certification, demoVetting.certifications as Certification[]);
    await insertAll(Endorsement, demoVetting.endorsements as Endorsement[]);
    const assessed = demoVetting.assessments;
    const roundOf = (innovationId: string) => states.get(innovationId)!.reviewRound;
    // Assessors are assigned to every innovation under review or decided (round 1), and to the pending revision's round.
    const assigned = new Map<string, AssessorAssignment>();
    for (const a of assessed)
      assigned.set(`${a.innovationId}:${a.assessorId}`, {
        innovationId: a.innovationId,
        round: roundOf(a.innovationId),
        assessorId: a.assessorId,
        assignedAt: a.submittedAt,
      });
    await insertAll(AssessorAssignment, [...assigned.values()]);
    await insertAll(
      ConflictDeclaration,
      [...assigned.values()].map((a) => ({
        innovationId: a.innovationId,
        assessorId: a.assessorId,
        supplierId: demoInnovations.find((i) => i.id === a.innovationId)!.supplierId,
        conflicted: false,
        statement: 'No conflict of interest: no links with the supplier.',
        declaredAt: a.assignedAt,
      })) as ConflictDeclaration[],
    );
    // Assessments of round 1 only; the pending revision's round 2 awaits its assessors.
    await insertAll(
      Assessment,
      assessed.map((a) => ({
        innovationId: a.innovationId,
        round: a.round,
        assessorId: a.assessorId,
        deploymentEvidence: a.scores[0],
        outcomes: a.scores[1],
        safetyAndStandards: a.scores[2],
        carbon: a.scores[3],
        valueForMoney: a.scores[4],
        comments: {
          deploymentEvidence: criteriaComment,
          outcomes: criteriaComment,
          safetyAndStandards: criteriaComment,
          carbon: criteriaComment,
          valueForMoney: criteriaComment,
        },
        submittedAt: a.submittedAt,
      })) as Assessment[],
    );
    await insertAll(
      AuditEvent,
      demoVetting.audit.map((e) => ({
        ...e,
        action: e.action as InnovationAuditAction,
        fromStatus: e.fromStatus as InnovationStatus | null,
        toStatus: e.toStatus as InnovationStatus | null,
      })) as AuditEvent[],
    );
  });
}
