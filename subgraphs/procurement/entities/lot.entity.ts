import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AwardProcedure, InnovationCategory, RouteKind } from '../generated/graphql';
import type { ProcurementRoute } from './procurement-route.entity';

@Entity({ name: 'lot' })
export class Lot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'route_id', type: 'uuid' })
  routeId: string;

  @ManyToOne('ProcurementRoute', 'lots', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'route_id' })
  route?: ProcurementRoute;

  /**
   * A copy of the route's kind, kept in step by a foreign key on (route_id, route_kind), so that a
   * CHECK can hold dynamic purchasing system and dynamic market lots to further competition only.
   */
  @Column({ name: 'route_kind', type: 'text' })
  routeKind: RouteKind;

  @Column({ type: 'int' })
  number: number;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'text', array: true })
  categories: InnovationCategory[];

  @Column({ name: 'award_procedures', type: 'text', array: true })
  awardProcedures: AwardProcedure[];

  /** Increases on every edit (optimistic locking). */
  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
