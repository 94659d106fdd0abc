import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { InnovationCategory, Nation, SavedSearchFrequency } from '../generated/graphql';

/**
 * A catalogue search a person saved to be told of new matches (issue 25 item 6). Its words and
 * filters mean what the same arguments of `Query.innovations` mean (services/saved-search.service.ts).
 */
@Entity({ name: 'saved_catalogue_search' })
export class SavedCatalogueSearch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The person who saved it (members' person; no foreign key, as it lives in another database). */
  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  /** The person's organisation when they saved it. */
  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text' })
  name: string;

  /** The words as typed (trimmed); null for none. */
  @Column({ type: 'text', nullable: true })
  search: string | null;

  /** The words as the catalogue searches with them (a prefix tsquery, innovation-search.ts `toPrefixQuery`). */
  @Column({ name: 'search_query', type: 'text', nullable: true })
  searchQuery: string | null;

  @Column({ type: 'text', array: true, nullable: true })
  categories: InnovationCategory[] | null;

  @Column({ name: 'trl_at_least', type: 'int', nullable: true })
  trlAtLeast: number | null;

  @Column({ name: 'trl_at_most', type: 'int', nullable: true })
  trlAtMost: number | null;

  @Column({ name: 'evidence_nations', type: 'text', array: true, nullable: true })
  evidenceNations: Nation[] | null;

  @Column({ type: 'text' })
  frequency: SavedSearchFrequency;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
