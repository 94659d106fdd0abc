import { demoPeople } from '../../demo-data/people';
import type { TestGraph } from './graph-harness';
import { codesOf, expectData, type GraphQLAnswer } from './graphql-results';

/**
 * Evaluating a further competition the way the award now requires (issue 24), for tests whose subject
 * is something else: two evaluators declare no conflict and score every criterion of every response,
 * and a third member of the buyer's team (independent of the evaluators) moderates each response to
 * the evaluators' common score.
 */
export interface Evaluation {
  projectId: string;
  /** Sign-ins (`Bearer …`) of the evaluators: at least PROCUREMENT_EVALUATORS_REQUIRED (2). */
  evaluators: readonly string[];
  /** Sign-in of the moderator: a buyer-team member who scores nothing. */
  moderator: string;
  /** Per response id, its score for each criterion in the published order (every evaluator gives it). */
  scores: Record<string, readonly number[]>;
}

const declare = `mutation($i: DeclareConflictOfInterestInput!){ declareConflictOfInterest(input: $i) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const canDeclare = `query($id: ID!){ procurementProject(id: $id) { criteria { name } viewerCan { declareConflicts } } }`;
const score = `mutation($i: ScoreResponseInput!){ scoreResponse(input: $i) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const version = `query($id: ID!){ procurementProject(id: $id) { responses(first: 100) { id version } } }`;
const moderate = `mutation($i: ModerateScoresInput!){ moderateScores(input: $i) { procurementResponse { id moderatedAt } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

/** A change that must have been made: a refusal has data too (the payload's `refusal`), so check the codes first. */
function changed(answer: GraphQLAnswer): void {
  if (codesOf(answer).length) throw new Error(`Expected the change, got:\n${JSON.stringify(answer.errors ?? answer.data, null, 2)}`);
}

/** Declares no conflict with every responding supplier not yet declared for (once per person). */
async function declareNoConflict(graph: TestGraph, projectId: string, signIn: string): Promise<string[]> {
  const project = expectData(await graph.execute<any>(canDeclare, { id: projectId }, signIn)).procurementProject;
  if (project.viewerCan.declareConflicts) changed(await graph.execute(declare, { i: { projectId, hasConflict: false } }, signIn));
  return project.criteria.map((c: { name: string }) => c.name);
}

/** Scores every response by every evaluator, then moderates each to that score. */
export async function scoreAndModerate(graph: TestGraph, evaluation: Evaluation): Promise<void> {
  await scoreAll(graph, evaluation);
  await moderateAll(graph, evaluation.projectId, evaluation.moderator, evaluation.scores);
}

/** Every evaluator declares no conflict and gives every response its scores. */
export async function scoreAll(graph: TestGraph, { projectId, evaluators, scores }: Omit<Evaluation, 'moderator'>): Promise<void> {
  for (const evaluator of evaluators) {
    const criteria = await declareNoConflict(graph, projectId, evaluator);
    for (const [responseId, given] of Object.entries(scores)) {
      for (const [index, criterion] of criteria.entries()) {
        changed(await graph.execute(score, { i: { responseId, criterion, score: given[index] } }, evaluator));
      }
    }
  }
}

/** The moderator agrees each response's scores as given (equal to every evaluator's, so no reason is needed). */
export async function moderateAll(
  graph: TestGraph,
  projectId: string,
  moderator: string,
  scores: Record<string, readonly number[]>,
): Promise<void> {
  const criteria = await declareNoConflict(graph, projectId, moderator);
  const versions = new Map<string, number>(
    expectData(await graph.execute<any>(version, { id: projectId }, moderator)).procurementProject.responses.map(
      (r: { id: string; version: number }) => [r.id, r.version],
    ),
  );
  for (const [responseId, given] of Object.entries(scores)) {
    const agreed = criteria.map((criterion, index) => ({ criterion, score: given[index] }));
    changed(await graph.execute(moderate, { i: { responseId, version: versions.get(responseId), scores: agreed } }, moderator));
  }
}

/**
 * A sign-in for a member of an organisation's buying team other than its named personas (the demo
 * people give every council two or three people; the first is ORG_ADMIN and BUYER): a moderator
 * independent of the persona evaluators.
 */
export async function otherBuyerOf(graph: TestGraph, organisationId: string, skip = 0): Promise<string> {
  const buyers = demoPeople.filter((person) => person.organisationId === organisationId && person.organisationRoles.includes('BUYER'));
  const person = buyers[skip];
  if (!person) throw new Error(`no demo buyer #${skip} in organisation ${organisationId}`);
  return `Bearer ${await graph.tokenFor(person.email)}`;
}
