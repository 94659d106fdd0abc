import type { Contract, Lot, ProcurementProject, ProcurementRoute } from '../entities';
import type { ProcurementLoaders } from '../loaders';
import type { WithdrawnAwardRow } from '../loaders/challenge.loader';
import { clarificationsPublishedOpenly, projectStatus, responsesUnsealed } from '../policy';

/**
 * Open Contracting Data Standard 1.1 releases of a project, one per stage it has reached. Built only
 * from what is published: answered questions without askers once the award publishes them (before,
 * they are the competition's own: policy.ts), tenderers only once the deadline has passed, never a
 * response's content. Lots, techniques and enquiries use the standard's community
 * extensions (listed in the package's `extensions`).
 */
export type Release = Record<string, unknown>;

export const ocdsExtensions = [
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json',
];

export const ocdsPublisher = { name: 'Innovation Procurement System' };
const currency = 'GBP';
const amount = (value: number) => ({ amount: value, currency });

interface ReleaseFacts {
  project: ProcurementProject;
  route: ProcurementRoute;
  lot: Lot;
  now: Date;
  questions: { id: string; question: string; answer: string | null; askedAt: Date; answeredAt: Date | null }[];
  responderIds: string[];
  contract: Contract | null;
  /** Suppliers' names as snapshotted when they applied to the lot; a supplier without one is published by id. */
  supplierNames: ReadonlyMap<string, string>;
  /** Awards withdrawn on upheld challenges, in award order (none for most projects). */
  withdrawnAwards?: readonly WithdrawnAwardRow[];
}

export function buildReleases({
  project,
  route,
  lot,
  now,
  questions,
  responderIds,
  contract,
  supplierNames,
  withdrawnAwards = [],
}: ReleaseFacts): Release[] {
  const ocid = project.ocid;
  const direct = project.procedure === 'DIRECT_AWARD';
  const status = projectStatus(project, now);
  const unsealed = responsesUnsealed(project, now);
  // An OCDS OrganizationReference: the id, and the name when procurement holds a snapshot of it.
  const named = (id: string, name: string | null | undefined) => (name ? { id, name } : { id });
  const supplier = (id: string) => named(id, supplierNames.get(id));
  const buyer = named(project.buyerId, project.buyerName);
  const parties: Release[] = [{ ...buyer, roles: ['buyer', 'procuringEntity'] }];
  const relatedProcesses = [
    {
      id: '1',
      relationship: ['framework'],
      title: `${route.reference} ${route.name}`,
      scheme: 'ocid',
      identifier: `${project.ocid.split('-').slice(0, 2).join('-')}-route-${route.id}`,
    },
  ];
  const tenderBase = {
    id: `${ocid}-tender`,
    title: project.title,
    description: project.need,
    value: amount(project.budget),
    procurementMethod: direct ? 'direct' : 'selective',
    procurementMethodDetails: `${direct ? 'Direct award' : 'Further competition'} under ${route.reference} lot ${lot.number}`,
    ...(direct && project.directAwardJustification ? { procurementMethodRationale: project.directAwardJustification } : {}),
    lots: [{ id: String(lot.number), title: lot.title, description: lot.scope }],
    techniques: {
      hasFrameworkAgreement: route.kind === 'FRAMEWORK',
      hasDynamicPurchasingSystem: route.kind === 'DYNAMIC_PURCHASING_SYSTEM' || route.kind === 'DYNAMIC_MARKET',
    },
  };
  const release = (stage: string, tag: string[], date: Date, extra: Release): Release => ({
    ocid,
    id: `${ocid}-${stage}`,
    date: date.toISOString(),
    tag,
    initiationType: 'tender',
    language: 'en',
    buyer,
    relatedProcesses,
    ...extra,
  });

  const releases: Release[] = [
    release('planning', ['planning'], project.createdAt, {
      parties,
      planning: { budget: { amount: amount(project.budget), description: project.need } },
      tender: { ...tenderBase, status: 'planning' },
    }),
  ];

  const published = clarificationsPublishedOpenly(project, withdrawnAwards.length) ? questions.filter((q) => q.answer !== null) : [];
  if (project.publishedAt) {
    releases.push(
      release('tender', ['tender'], project.publishedAt, {
        parties,
        tender: {
          ...tenderBase,
          status: status === 'CANCELLED' ? 'cancelled' : 'active',
          tenderPeriod: { startDate: project.publishedAt.toISOString(), endDate: project.responseDeadline!.toISOString() },
          enquiryPeriod: { startDate: project.publishedAt.toISOString(), endDate: project.clarificationClosesAt!.toISOString() },
          hasEnquiries: published.length > 0,
          // Never who asked: an enquiry is the question and its answer.
          enquiries: published.map((q) => ({
            id: q.id,
            date: q.askedAt.toISOString(),
            title: q.question.slice(0, 200),
            description: q.question,
            answer: q.answer,
            dateAnswered: q.answeredAt!.toISOString(),
          })),
          ...(unsealed ? { numberOfTenderers: responderIds.length, tenderers: responderIds.map(supplier) } : {}),
        },
      }),
    );
  }
  const tenderers = unsealed ? responderIds.map((id) => ({ ...supplier(id), roles: ['tenderer'] })) : [];
  let cancelledAward: Release | null = null;
  const awardParties = (supplierId: string) => [
    ...parties,
    ...tenderers.filter((t) => t.id !== supplierId),
    { ...supplier(supplierId), roles: unsealed || direct ? ['supplier', ...(direct ? [] : ['tenderer'])] : ['supplier'] },
  ];
  // The first award keeps the ids it was published with; each award after a withdrawn one is numbered.
  const awardId = (awardNumber: number) => (awardNumber === 1 ? `${ocid}-award` : `${ocid}-award-${awardNumber}`);
  const awardOf = (awardNumber: number, supplierId: string, awardedAt: Date, value: number | null, awardStatus: string) => ({
    id: awardId(awardNumber),
    title: project.title,
    status: awardStatus,
    date: awardedAt.toISOString(),
    value: amount(value ?? project.budget),
    suppliers: [supplier(supplierId)],
    relatedLots: [String(lot.number)],
  });

  // Each award withdrawn on an upheld challenge: its award notice as published, then its cancellation
  // (the tender active again: back to evaluation).
  for (const withdrawn of withdrawnAwards) {
    const stage = withdrawn.awardNumber === 1 ? 'award' : `award-${withdrawn.awardNumber}`;
    const withdrawnAward = (awardStatus: string) =>
      awardOf(withdrawn.awardNumber, withdrawn.supplierId, withdrawn.awardedAt, withdrawn.awardValue, awardStatus);
    releases.push(
      release(stage, ['award'], withdrawn.awardedAt, {
        parties: awardParties(withdrawn.supplierId),
        tender: { ...tenderBase, status: 'complete' },
        awards: [withdrawnAward('pending')],
      }),
      release(`awardCancellation-${withdrawn.awardNumber}`, ['awardCancellation'], withdrawn.withdrawnAt, {
        parties: awardParties(withdrawn.supplierId),
        tender: { ...tenderBase, status: 'active' },
        awards: [{ ...withdrawnAward('cancelled'), description: 'Withdrawn: a challenge made during the standstill was upheld.' }],
      }),
    );
  }

  if (project.awardedAt && project.awardedSupplierId) {
    const supplierId = project.awardedSupplierId;
    const awardNumber = withdrawnAwards.length + 1;
    const award = (awardStatus: string) => awardOf(awardNumber, supplierId, project.awardedAt!, project.awardValue, awardStatus);
    // A cancellation during the standstill cancels the award with the tender.
    if (project.status === 'CANCELLED') cancelledAward = { parties: awardParties(supplierId), awards: [award('cancelled')] };
    // Pending during the standstill; in force once the contract is signed.
    releases.push(
      release(awardNumber === 1 ? 'award' : `award-${awardNumber}`, ['award'], project.awardedAt, {
        parties: awardParties(supplierId),
        tender: { ...tenderBase, status: 'complete' },
        awards: [award('pending')],
      }),
    );
    if (contract) {
      releases.push(
        release('contract', ['contract', 'awardUpdate'], contract.recordedAt, {
          parties: awardParties(supplierId),
          awards: [award('active')],
          contracts: [
            {
              id: contract.id,
              awardID: awardId(awardNumber),
              title: project.title,
              status: 'active',
              value: amount(contract.value),
              period: { startDate: `${contract.startsOn}T00:00:00Z`, endDate: `${contract.endsOn}T23:59:59Z` },
              // The day it was entered into; the release itself is dated when it was published (recorded).
              dateSigned: `${contract.signedOn}T00:00:00Z`,
            },
          ],
        }),
      );
    }
  }
  // Last: a project may be cancelled at any stage before its contract, after an award too.
  if (project.status === 'CANCELLED') {
    releases.push(
      release(
        'tenderCancellation',
        cancelledAward ? ['tenderCancellation', 'awardCancellation'] : ['tenderCancellation'],
        project.cancelledAt ?? now,
        {
          parties: [...parties, ...tenderers],
          tender: { ...tenderBase, status: 'cancelled', statusDetails: project.cancellationReason },
          ...(cancelledAward ?? {}),
        },
      ),
    );
  }
  return releases;
}

/** Gathers what the releases need; every read is public information once the project is published. */
export async function releasesOf(project: ProcurementProject, loaders: ProcurementLoaders, now: Date): Promise<Release[]> {
  const [route, lot, questions, responderIds, contract, supplierNames, withdrawnAwards] = await Promise.all([
    loaders.routeById.load(project.routeId),
    loaders.lotById.load(project.lotId),
    loaders.questionsByProject.load(project.id),
    loaders.responderIds.load(project.id),
    loaders.contractByProject.load(project.id),
    loaders.supplierNamesByLot.load(project.lotId),
    loaders.withdrawnAwardsByProject.load(project.id),
  ]);
  return buildReleases({ project, route: route!, lot: lot!, now, questions, responderIds, contract, supplierNames, withdrawnAwards });
}

export function releasePackage(ocid: string, releases: Release[], uri: string, now: Date) {
  return {
    uri,
    version: '1.1',
    extensions: ocdsExtensions,
    publishedDate: now.toISOString(),
    publisher: ocdsPublisher,
    releases,
  };
}
