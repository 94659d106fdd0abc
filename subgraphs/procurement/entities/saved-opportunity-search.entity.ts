import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { InnovationCategory, Nation, SavedSearchFrequency } from '../generated/graphql';
import { money } from './project.entity';

/**
 * An opportunity search a person saved to be told of new matches (issue 25 item 6). Its words mean
 * what `procurementProjects(search:)` means (services/saved-opportunity-search.service.ts).
 */
@Entity({ name: 'saved_opportunity_search' })
export class SavedOpportunitySearch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The person who saved it (members' person; no foreign key, as it lives in another database). */
  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  /** The person's organisation when they saved it. */
  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  /** Whether that organisation is a supplier: a supplier hears only of projects it is invited to. */
  @Column({ type: 'boolean' })
  supplier: boolean;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  search: string | null;

  @Column({ name: 'route_id', type: 'uuid', nullable: true })
  routeId: string | null;

  @Column({ name: 'lot_id', type: 'uuid', nullable: true })
  lotId: string | null;

  @Column({ type: 'text', array: true, nullable: true })
  categories: InnovationCategory[] | null;

  @Column({ name: 'buyer_nations', type: 'text', array: true, nullable: true })
  buyerNations: Nation[] | null;

  @Column({ name: 'budget_at_least', type: 'numeric', precision: 14, scale: 2, nullable: true, transformer: money })
  budgetAtLeast: number | null;

  @Column({ name: 'budget_at_most', type: 'numeric', precision: 14, scale: 2, nullable: true, transformer: money })
  budgetAtMost: number | null;

  @Column({ type: 'text' })
  frequency: SavedSearchFrequency;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
