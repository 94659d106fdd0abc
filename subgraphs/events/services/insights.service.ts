import type { DataSource } from 'typeorm';
import {
  authorizeInsights,
  groupedInsightSql,
  londonDate,
  monthBucket,
  parameterList,
  readInsightPeriod,
  splitGroupedRows,
  toNullableNumber,
  toNumber,
  withinPeriod,
  type GroupedRow,
  type InsightPeriod,
  type InsightPeriodInput,
} from '../../../platform/insights';
import type { Identity } from '../../../platform/identity';
import type {
  EventAttendanceDimension,
  EventAttendanceGroup,
  EventAttendanceInsight,
  EventAudience,
  EventKind,
} from '../generated/graphql';
import type { Clock } from '../../../platform/clock';

/** What `eventInsights` resolves to: the checked period its fields aggregate over. */
export interface EventInsightsScope {
  period: InsightPeriod;
}

/**
 * Analyst aggregates over events, each one grouped SQL statement (platform/insights.ts). Insights
 * count every event whatever its audience: they show figures, never an event's details.
 */
export class EventInsightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly viewer: Identity,
  ) {}

  open(period: InsightPeriodInput | null | undefined): EventInsightsScope {
    authorizeInsights(this.viewer);
    return { period: readInsightPeriod(period) };
  }

  async attendance(scope: EventInsightsScope, groupBy: readonly EventAttendanceDimension[]): Promise<EventAttendanceInsight> {
    authorizeInsights(this.viewer);
    const { bind, parameters } = parameterList();
    // Per event first (its registrations counted once), then grouped. Only events that have started
    // can have attendance; an event's attendance is recorded once any confirmed registration has
    // `attended` set, as Event.attendanceRate reads it.
    const sql = groupedInsightSql<EventAttendanceDimension>({
      dimensions: { KIND: 'event.kind', AUDIENCE: 'event.audience', MONTH: monthBucket('event.started_on') },
      groupBy,
      measures: {
        event_count: 'count(*)',
        recorded_events: 'count(*) FILTER (WHERE event.recorded > 0)',
        confirmed: 'coalesce(sum(event.confirmed), 0)',
        recorded_confirmed: 'coalesce(sum(event.confirmed) FILTER (WHERE event.recorded > 0), 0)',
        attended: 'coalesce(sum(event.attended), 0)',
      },
      from: `FROM (
        SELECT e.kind, e.audience, ${londonDate('e.starts_at')} AS started_on,
               count(r.id) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
               count(r.id) FILTER (WHERE r.status = 'CONFIRMED' AND r.attended IS NOT NULL) AS recorded,
               count(r.id) FILTER (WHERE r.status = 'CONFIRMED' AND r.attended) AS attended
          FROM events.event e
          LEFT JOIN events.event_registration r ON r.event_id = e.id
         WHERE e.status IN ('SCHEDULED', 'COMPLETED') AND e.starts_at <= ${bind(this.clock.now())}
           AND ${withinPeriod(londonDate('e.starts_at'), scope.period, bind)}
         GROUP BY e.id
      ) event`,
    });
    const { groups, total } = splitGroupedRows((await this.dataSource.query(sql, parameters)) as GroupedRow<EventAttendanceDimension>[]);
    const toGroup = (row: GroupedRow<EventAttendanceDimension>): EventAttendanceGroup => {
      const recorded = toNumber(row.recorded_confirmed);
      const attended = toNumber(row.attended);
      return {
        kind: row.KIND as EventKind | null,
        audience: row.AUDIENCE as EventAudience | null,
        month: row.MONTH,
        eventCount: toNumber(row.event_count),
        eventsWithAttendanceRecorded: toNumber(row.recorded_events),
        confirmedRegistrations: toNumber(row.confirmed),
        recordedRegistrations: recorded,
        attendedRegistrations: attended,
        attendanceRate: recorded === 0 ? null : toNullableNumber(attended / recorded),
      };
    };
    return { groups: groups.map(toGroup), total: toGroup(total) };
  }
}
