import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type {
  InnovationCategory,
  InnovationLinkKind,
  InnovationStatus,
  Nation,
  OrganisationKind,
  PricingModel,
} from '../generated/graphql';

export interface InnovationLinkValue {
  title: string;
  url: string;
  kind: InnovationLinkKind;
}

/** An innovation's editable content: what `updateInnovation` replaces and a revision snapshots. */
export interface InnovationContent {
  title: string;
  summary: string;
  description: string;
  category: InnovationCategory;
  tags: string[];
  trl: number;
  trlJustification: string | null;
  pricingModel: PricingModel | null;
  suitsNations: Nation[];
  suitsOrganisationKinds: OrganisationKind[];
  links: InnovationLinkValue[];
}

/** Where changes to an approved innovation are in vetting. */
export type RevisionStatus = Extract<InnovationStatus, 'DRAFT' | 'SUBMITTED' | 'UNDER_REVIEW' | 'CHANGES_REQUESTED' | 'REJECTED'>;

@Entity({ name: 'innovation' })
export class Innovation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** An organisation of the members subgraph; no foreign key, as it lives in another database. */
  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text' })
  category: InnovationCategory;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  /** Technology Readiness Level, 1–9. */
  @Column({ type: 'smallint' })
  trl: number;

  @Column({ type: 'text' })
  status: InnovationStatus;

  @Column({ name: 'pricing_model', type: 'text', nullable: true })
  pricingModel: PricingModel | null;

  @Column({ name: 'trl_justification', type: 'text', nullable: true })
  trlJustification: string | null;

  @Column({ name: 'suits_nations', type: 'text', array: true, default: () => "'{}'" })
  suitsNations: Nation[];

  @Column({ name: 'suits_organisation_kinds', type: 'text', array: true, default: () => "'{}'" })
  suitsOrganisationKinds: OrganisationKind[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  links: InnovationLinkValue[];

  /** Incremented by each submission; assignments and assessments belong to one round. */
  @Column({ name: 'review_round', type: 'integer', default: 0 })
  reviewRound: number;

  /** Status of changes to an APPROVED innovation; null when there are none. */
  @Column({ name: 'revision_status', type: 'text', nullable: true })
  revisionStatus: RevisionStatus | null;

  /** The proposed content while `revisionStatus` is set; the columns above stay as listed. */
  @Column({ name: 'pending_content', type: 'jsonb', nullable: true })
  pendingContent: InnovationContent | null;

  /** Moves on by one on every change, through platform/optimistic-lock.ts only: TypeORM never writes it. */
  @Column({ type: 'integer', insert: false, update: false, default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
