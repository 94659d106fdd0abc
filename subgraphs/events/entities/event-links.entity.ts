import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A speaker (a Person of the members subgraph: no foreign key). */
@Entity({ name: 'event_speaker' })
export class EventSpeaker {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ type: 'smallint' })
  position: number;
}

/** An innovation (innovations subgraph: no foreign key) the event shows or discusses. */
@Entity({ name: 'event_innovation' })
export class EventInnovation {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ name: 'innovation_id', type: 'uuid' })
  innovationId: string;

  @Column({ type: 'smallint' })
  position: number;
}

/** One move of an event to new times (append-only). */
@Entity({ name: 'event_schedule_change' })
export class EventScheduleChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'changed_by', type: 'uuid' })
  changedBy: string;

  @Column({ name: 'previous_starts_at', type: 'timestamptz' })
  previousStartsAt: Date;

  @Column({ name: 'previous_ends_at', type: 'timestamptz' })
  previousEndsAt: Date;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;
}

/** A question answered at an event, published without its asker. */
@Entity({ name: 'briefing_question' })
export class BriefingQuestion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  question: string;

  @Column({ type: 'text' })
  answer: string;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;
}

/** A person's private calendar feed: only the token's SHA-256 is stored. */
@Entity({ name: 'calendar_feed' })
export class CalendarFeed {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
