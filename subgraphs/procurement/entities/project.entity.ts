import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ProjectRegime } from '../services/regime';

/** Stored lifecycle; CLARIFICATION and EVALUATION are derived from the dates (see project-status.ts). */
export type StoredProjectStatus = 'DRAFT' | 'PUBLISHED' | 'AWARDED' | 'CONTRACTED' | 'CANCELLED';
export type ProjectProcedure = 'DIRECT_AWARD' | 'FURTHER_COMPETITION';
/** How equal weighted totals are settled; published with the criteria (services/evaluation.ts). */
export type AwardTieBreak = 'LOWEST_PRICE' | 'HIGHEST_SCORE_ON_FIRST_CRITERION';

/** One published criterion of a further competition and its weight in percent. */
export interface EvaluationCriterion {
  name: string;
  weight: number;
}

/** numeric comes back from node-postgres as a string; money up to 10^12 fits a double exactly to the penny. */
export const money = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A buyer's call-off under one lot of a route: a direct award or a further competition. */
@Entity({ name: 'project' })
export class ProcurementProject {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Open Contracting id: the configured prefix plus the project id. */
  @Column({ type: 'text' })
  ocid: string;

  /** The buying organisation (members subgraph). */
  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  /** The buyer's name when the project was started (from the forwarded identity), for OCDS parties; null if unknown. */
  @Column({ name: 'buyer_name', type: 'text', nullable: true })
  buyerName: string | null;

  /** The buyer's nation when the project was started, from the verified identity; null when not recorded. */
  @Column({ name: 'buyer_nation', type: 'text', nullable: true })
  buyerNation: string | null;

  /**
   * The buyer's organisation kind when the project was started, from the verified identity: which
   * other routes are open to the buyer when this one expires (services/route-retirement.ts). Null
   * for projects started before it was recorded.
   */
  @Column({ name: 'buyer_organisation_kind', type: 'text', nullable: true })
  buyerOrganisationKind: string | null;

  /**
   * The procurement law the project runs under, from the buyer's nation when it was started (see
   * services/regime.ts); it decides the working-day calendar of every deadline and the standstill.
   */
  @Column({ type: 'text' })
  regime: ProjectRegime;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  need: string;

  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: money })
  budget: number;

  @Column({ name: 'route_id', type: 'uuid' })
  routeId: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId: string;

  @Column({ type: 'text' })
  procedure: ProjectProcedure;

  @Column({ type: 'text' })
  status: StoredProjectStatus;

  @Column({ type: 'jsonb' })
  criteria: EvaluationCriterion[];

  /** The published rule that settles a tie between the highest weighted totals (set at publish). */
  @Column({ name: 'tie_break', type: 'text' })
  tieBreak: AwardTieBreak;

  @Column({ name: 'direct_award_justification', type: 'text', nullable: true })
  directAwardJustification: string | null;

  @Column({ name: 'cancellation_reason', type: 'text', nullable: true })
  cancellationReason: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'clarification_closes_at', type: 'timestamptz', nullable: true })
  clarificationClosesAt: Date | null;

  @Column({ name: 'response_deadline', type: 'timestamptz', nullable: true })
  responseDeadline: Date | null;

  @Column({ name: 'awarded_supplier_id', type: 'uuid', nullable: true })
  awardedSupplierId: string | null;

  @Column({ name: 'awarded_at', type: 'timestamptz', nullable: true })
  awardedAt: Date | null;

  /** The awarded value: the winning price, or the direct award's stated value. */
  @Column({ name: 'award_value', type: 'numeric', precision: 14, scale: 2, nullable: true, transformer: money })
  awardValue: number | null;

  /** The last day of the standstill; a contract may be recorded from the next day. */
  @Column({ name: 'standstill_ends_on', type: 'date', nullable: true })
  standstillEndsOn: string | null;

  /**
   * False where the buyer declined a voluntary standstill at the award (a framework call-off): then
   * `standstillEndsOn` is the day before the award, so the contract may be recorded from the award
   * day. True for every other award (and before one).
   */
  @Column({ name: 'standstill_observed', type: 'boolean', default: true })
  standstillObserved: boolean;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'int' })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
