import { CreateRoutesLotsAndAdmissions1764205200000 } from './1764205200000-create-routes-lots-and-admissions';
import { CreateProjectsResponsesAwardsAndAudit1764309600000 } from './1764309600000-create-projects-responses-awards-and-audit';
import { DeriveRouteStatusFromDates1764396000000 } from './1764396000000-derive-route-status-from-dates';
import { SnapshotPartyNames1764397000000 } from './1764397000000-snapshot-party-names';
import { ConflictDeclarationsPerSupplier1764398000000 } from './1764398000000-conflict-declarations-per-supplier';
import { RecordBuyerNationOnProjects1764633600000 } from './1764633600000-record-buyer-nation-on-projects';
import { IndexDashboardQueues1764720000000 } from './1764720000000-index-dashboard-queues';
import { RecordResponseWithdrawals1764806400000 } from './1764806400000-record-response-withdrawals';
import { RecordProjectRegime1764892800000 } from './1764892800000-record-project-regime';
import { SearchProjectsAndIndexAuditTrail1764986400000 } from './1764986400000-search-projects-and-index-audit-trail';
import { RecordContractSigningDay1764988200000 } from './1764988200000-record-contract-signing-day';
import { ModerateScoresAndPublishTieBreak1765000000000 } from './1765000000000-moderate-scores-and-publish-tie-break';
import { IssueAssessmentSummaries1765100000000 } from './1765100000000-issue-assessment-summaries';
import { StandstillChallengesAndWithdrawnAwards1765200000000 } from './1765200000000-standstill-challenges-and-withdrawn-awards';
import { AddOutbox1765800000000 } from './1765800000000-add-outbox';
import { AddSavedOpportunitySearches1766200001000 } from './1766200001000-add-saved-opportunity-searches';
import { RecordRouteRetirementNotices1766300000000 } from './1766300000000-record-route-retirement-notices';
import { AddDocuments1766500001000 } from './1766500001000-add-documents';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  CreateRoutesLotsAndAdmissions1764205200000,
  CreateProjectsResponsesAwardsAndAudit1764309600000,
  DeriveRouteStatusFromDates1764396000000,
  SnapshotPartyNames1764397000000,
  ConflictDeclarationsPerSupplier1764398000000,
  RecordBuyerNationOnProjects1764633600000,
  IndexDashboardQueues1764720000000,
  RecordResponseWithdrawals1764806400000,
  RecordProjectRegime1764892800000,
  SearchProjectsAndIndexAuditTrail1764986400000,
  RecordContractSigningDay1764988200000,
  ModerateScoresAndPublishTieBreak1765000000000,
  IssueAssessmentSummaries1765100000000,
  StandstillChallengesAndWithdrawnAwards1765200000000,
  AddOutbox1765800000000,
  AddSavedOpportunitySearches1766200001000,
  RecordRouteRetirementNotices1766300000000,
  AddDocuments1766500001000,
];
