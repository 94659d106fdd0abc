import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { EvidenceConfirmation, EvidenceKind, InnovationAuditAction, InnovationStatus, Nation } from '../generated/graphql';
import type { InnovationContent } from './innovation.entity';

/** A numeric column as a JavaScript number (pg returns numeric as text to keep precision). */
/**
 * Whether evidence (an item or a certification) may be shown beside the listed innovation: see the
 * add-evidence-vetting migration. WITHDRAWN rows are kept for the audit trail and never shown.
 */
export type EvidenceVettingState = 'PENDING' | 'VETTED' | 'WITHDRAWN';

const numeric = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

@Entity({ name: 'evidence' })
export class Evidence {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @Column({ type: 'text' }) kind: EvidenceKind;
  @Column({ type: 'text' }) title: string;
  /** An organisation of the members subgraph. */
  @Column({ name: 'authority_id', type: 'uuid' }) authorityId: string;
  @Column({ name: 'started_on', type: 'date' }) startedOn: string;
  @Column({ name: 'ended_on', type: 'date', nullable: true }) endedOn: string | null;
  @Column({ type: 'text', nullable: true }) scale: string | null;
  @Column({ name: 'cost_saved_gbp', type: 'numeric', nullable: true, transformer: numeric }) costSavedGbp: number | null;
  @Column({ name: 'carbon_saved_tco2e', type: 'numeric', nullable: true, transformer: numeric }) carbonSavedTco2e: number | null;
  @Column({ name: 'time_saved', type: 'text', nullable: true }) timeSaved: string | null;
  @Column({ type: 'text', nullable: true }) safety: string | null;
  @Column({ type: 'text', default: 'UNCONFIRMED' }) confirmation: EvidenceConfirmation;
  @Column({ name: 'confirmation_note', type: 'text', nullable: true }) confirmationNote: string | null;
  @Column({ name: 'confirmed_by', type: 'uuid', nullable: true }) confirmedBy: string | null;
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true }) confirmedAt: Date | null;
  @Column({ name: 'authority_nation', type: 'text', nullable: true }) authorityNation: Nation | null;
  @Column({ type: 'text', default: 'VETTED' }) vetting: EvidenceVettingState;
  @Column({ name: 'vetted_by', type: 'uuid', nullable: true }) vettedBy: string | null;
  @Column({ name: 'vetted_at', type: 'timestamptz', nullable: true }) vettedAt: Date | null;
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

@Entity({ name: 'certification' })
export class Certification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @Column({ type: 'text' }) scheme: string;
  @Column({ type: 'text' }) issuer: string;
  @Column({ type: 'text' }) reference: string;
  @Column({ name: 'expires_on', type: 'date', nullable: true }) expiresOn: string | null;
  @Column({ type: 'text', default: 'VETTED' }) vetting: EvidenceVettingState;
  @Column({ name: 'vetted_by', type: 'uuid', nullable: true }) vettedBy: string | null;
  @Column({ name: 'vetted_at', type: 'timestamptz', nullable: true }) vettedAt: Date | null;
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

@Entity({ name: 'innovation_revision' })
export class InnovationRevision {
  @PrimaryColumn({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @PrimaryColumn({ type: 'integer' }) number: number;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text' }) summary: string;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'text' }) category: InnovationContent['category'];
  @Column({ type: 'text', array: true }) tags: string[];
  @Column({ type: 'smallint' }) trl: number;
  @Column({ name: 'pricing_model', type: 'text', nullable: true }) pricingModel: InnovationContent['pricingModel'];
  /** The whole content as approved, for `innovation(id, asOf)`. */
  @Column({ type: 'jsonb' }) content: InnovationContent;
  @Column({ name: 'approved_at', type: 'timestamptz' }) approvedAt: Date;
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt: Date | null;
}

@Entity({ name: 'assessor_assignment' })
export class AssessorAssignment {
  @PrimaryColumn({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @PrimaryColumn({ type: 'integer' }) round: number;
  @PrimaryColumn({ name: 'assessor_id', type: 'uuid' }) assessorId: string;
  @Column({ name: 'assigned_at', type: 'timestamptz', default: () => 'now()' }) assignedAt: Date;
}

@Entity({ name: 'conflict_declaration' })
export class ConflictDeclaration {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @Column({ name: 'assessor_id', type: 'uuid' }) assessorId: string;
  @Column({ name: 'supplier_id', type: 'uuid' }) supplierId: string;
  @Column({ type: 'boolean' }) conflicted: boolean;
  @Column({ type: 'text' }) statement: string;
  @Column({ name: 'declared_at', type: 'timestamptz', default: () => 'now()' }) declaredAt: Date;
}

export interface AssessmentCommentValues {
  deploymentEvidence: string;
  outcomes: string;
  safetyAndStandards: string;
  carbon: string;
  valueForMoney: string;
}

@Entity({ name: 'assessment' })
export class Assessment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @Column({ type: 'integer' }) round: number;
  @Column({ name: 'assessor_id', type: 'uuid' }) assessorId: string;
  @Column({ name: 'deployment_evidence', type: 'smallint' }) deploymentEvidence: number;
  @Column({ type: 'smallint' }) outcomes: number;
  @Column({ name: 'safety_and_standards', type: 'smallint' }) safetyAndStandards: number;
  @Column({ type: 'smallint' }) carbon: number;
  @Column({ name: 'value_for_money', type: 'smallint' }) valueForMoney: number;
  @Column({ type: 'jsonb' }) comments: AssessmentCommentValues;
  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' }) submittedAt: Date;
}

@Entity({ name: 'endorsement' })
export class Endorsement {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ type: 'text' }) statement: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

@Entity({ name: 'audit_event' })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'innovation_id', type: 'uuid' }) innovationId: string;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'text' }) action: InnovationAuditAction | 'DELETED';
  @Column({ name: 'from_status', type: 'text', nullable: true }) fromStatus: InnovationStatus | null;
  @Column({ name: 'to_status', type: 'text', nullable: true }) toStatus: InnovationStatus | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
}
