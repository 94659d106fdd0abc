import { releasePackage } from '../../subgraphs/procurement/services/ocds.service';
import { moderateAll, scoreAll } from './evaluation';
import type { GraphResult, TestGraph } from './graph-harness';
import { expectData, type UntypedData } from './graphql-results';
import { releaseProblems, validatePackage } from './ocds-validator';

/**
 * A further competition run through the gateway from draft to award, for the standstill tests
 * (issue 24 items 3 and 4): create, publish, sealed responses, two evaluators and an independent
 * moderator, the award to the most advantageous tender. Each step is checked to have been made (no
 * refusal), so a test that uses it fails at the step that went wrong.
 */

export const refusalFields = `refusal { code message field ... on StateConflict { reason currentStatus currentVersion } ... on NotFound { typeName }
  ... on StandstillRunning { currentStatus standstillEndsOn } ... on NotMostAdvantageous { reason currentStatus expectedResponseIds } }`;

/** The payload `key` of mutation `mutation` in an answer that must have made the change. */
export function changed<T = UntypedData>(answer: GraphResult<UntypedData>, mutation: string, key: string): T {
  const payload = expectData(answer)[mutation];
  if (payload?.refusal) throw new Error(`${mutation} was refused: ${JSON.stringify(payload.refusal)}`);
  return payload[key] as T;
}

export interface Bidder {
  /** Authorization header of a person who acts for the supplier. */
  signIn: string;
  price: number;
  /** The agreed score of each criterion (Quality 60%, Price 40%), given by every evaluator and the moderator. */
  scores: readonly [number, number];
  /** Submitted, then withdrawn before the deadline: no tender, no bidder. */
  withdraws?: boolean;
}

export interface Competition {
  projectId: string;
  ocid: string;
  /** Response ids, in the order of `bidders`. */
  responseIds: string[];
  version: number;
}

export const criteria = [
  { name: 'Quality', weight: 60 },
  { name: 'Price', weight: 40 },
];

const create = `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id ocid version } ${refusalFields} } }`;
const publish = `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { id version } ${refusalFields} } }`;
const submit = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id version } ${refusalFields} } }`;
const withdraw = `mutation($input: WithdrawResponseInput!){ withdrawResponse(input: $input) { procurementResponse { id } ${refusalFields} } }`;
export const awardMutation = `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) {
  procurementProject { id version status award { standstillEndsOn standstillObserved supplier { id } } standstillDeadline { at regime holidaysSkipped { date name nations } } }
  ${refusalFields} } }`;

/**
 * Publishes a further competition at `publishAt` (3 working days to the clarification cut-off, 8 to
 * the response deadline), takes the bidders' responses, then at `evaluateAt` has the evaluators score
 * and the moderator moderate every tender, and, when `awardTo` is given, awards it then.
 */
export async function runFurtherCompetition(
  graph: TestGraph,
  options: {
    title: string;
    buyer: string;
    lotId: string;
    innovationId: string;
    publishAt: string;
    bidders: readonly Bidder[];
    evaluators: readonly string[];
    moderator: string;
    evaluateAt: string;
    /** The index in `bidders` of the tender to award (the most advantageous); none: stop before the award. */
    awardTo?: number;
    observeStandstill?: boolean;
  },
): Promise<Competition> {
  const run = (query: string, variables: Record<string, unknown>, signIn: string) => graph.execute<UntypedData>(query, variables, signIn);
  graph.clock.set(options.publishAt);
  const draft = changed<{ id: string; ocid: string; version: number }>(
    await run(
      create,
      {
        input: {
          title: options.title,
          need: 'Permanent repairs to 2,000 potholes a year.',
          budget: 150000,
          lotId: options.lotId,
          procedure: 'FURTHER_COMPETITION',
          innovationIds: [options.innovationId],
          criteria,
        },
      },
      options.buyer,
    ),
    'createProcurementProject',
    'procurementProject',
  );
  changed(
    await run(
      publish,
      { input: { projectId: draft.id, version: draft.version, clarificationWorkingDays: 3, responseWorkingDays: 8 } },
      options.buyer,
    ),
    'publishProcurementProject',
    'procurementProject',
  );
  const responseIds: string[] = [];
  for (const bidder of options.bidders) {
    const response = changed<{ id: string; version: number }>(
      await run(
        submit,
        { input: { projectId: draft.id, proposal: `Our proposal for ${options.title}.`, price: bidder.price } },
        bidder.signIn,
      ),
      'submitResponse',
      'procurementResponse',
    );
    if (bidder.withdraws)
      changed(
        await run(withdraw, { input: { responseId: response.id, version: response.version } }, bidder.signIn),
        'withdrawResponse',
        'procurementResponse',
      );
    responseIds.push(response.id);
    graph.clock.advance(60_000); // one after the other, so the order of submission is the order given
  }
  // Sealed until the deadline: the buyer learns how many tenders stand, and reads none of them.
  const sealed = expectData(
    await run(`query($id: ID!){ procurementProject(id: $id) { responseCount responses { id } } }`, { id: draft.id }, options.buyer),
  ).procurementProject;
  expect(sealed).toEqual({ responseCount: options.bidders.filter((bidder) => !bidder.withdraws).length, responses: [] });
  graph.clock.set(options.evaluateAt);
  const scores = Object.fromEntries(
    options.bidders.flatMap((bidder, index) => (bidder.withdraws ? [] : [[responseIds[index]!, bidder.scores]])),
  );
  await scoreAll(graph, { projectId: draft.id, evaluators: options.evaluators, scores });
  await moderateAll(graph, draft.id, options.moderator, scores);
  const version = expectData(await run(`query($id: ID!){ procurementProject(id: $id) { version } }`, { id: draft.id }, options.buyer))
    .procurementProject.version;
  const competition = { projectId: draft.id, ocid: draft.ocid, responseIds, version };
  if (options.awardTo === undefined) return competition;
  const awarded = changed<{ version: number }>(
    await run(
      awardMutation,
      { input: { projectId: draft.id, version, responseId: responseIds[options.awardTo], observeStandstill: options.observeStandstill } },
      options.buyer,
    ),
    'awardProcurementProject',
    'procurementProject',
  );
  return { ...competition, version: awarded.version };
}

/** Every release of the project valid against OCDS 1.1.5 (schema and closed codelists), and the package they make. */
export async function expectValidOcds(graph: TestGraph, projectId: string, signIn?: string): Promise<Record<string, any>[]> {
  const releases: Record<string, any>[] = expectData(
    await graph.execute<UntypedData>(`query($id: ID!){ procurementProject(id: $id) { ocdsReleases } }`, { id: projectId }, signIn),
  ).procurementProject.ocdsReleases;
  for (const release of releases) expect({ id: release.id, problems: releaseProblems(release) }).toEqual({ id: release.id, problems: [] });
  expect(new Set(releases.map((release) => release.id)).size).toBe(releases.length);
  expect(validatePackage(releasePackage(releases[0]!.ocid, releases, 'https://ips.example/ocds/x.json', graph.clock.now()))).toBe(true);
  return releases;
}
