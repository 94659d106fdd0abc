import type { DataSource } from 'typeorm';
import {
  buildDemoEventInnovations,
  buildDemoRegistrations,
  demoBriefingQuestions,
  demoFaqs,
  demoJoinUrl,
  demoSupportRequests,
} from '../../demo-data/event-engagement';
import { buildDemoEvents } from '../../demo-data/events';
import { demoPersona } from '../../demo-data/personas';
import { BriefingQuestion, Event, EventHost, EventInnovation, EventRoute, Faq, SupportRequest, SupportRequestEntry } from './entities';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Inserts the demo events, their hosts, routes, registrations and answered questions, the FAQs and
 * the support requests, in one transaction, when there are no events yet. Dates are relative to
 * `now`, so a fresh demo always has past and upcoming events.
 */
export async function seedDemoData(dataSource: DataSource, now: Date = new Date()): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(Event)) > 0) return;
    const demoEvents = buildDemoEvents(now);
    await manager.insert(
      Event,
      demoEvents.map(({ key: _key, hostIds: _hostIds, routeIds: _routeIds, ...event }) => ({
        ...event,
        joinUrl: demoJoinUrl({ ...event, key: _key, hostIds: _hostIds, routeIds: _routeIds }),
        cancellationReason: event.status === 'CANCELLED' ? 'Called off because of severe weather.' : null,
      })),
    );
    await manager.insert(
      EventHost,
      demoEvents.flatMap((event) => event.hostIds.map((organisationId, position) => ({ eventId: event.id, organisationId, position }))),
    );
    const routes = demoEvents.flatMap((event) => event.routeIds.map((routeId, position) => ({ eventId: event.id, routeId, position })));
    if (routes.length > 0) await manager.insert(EventRoute, routes);
    const innovations = buildDemoEventInnovations(demoEvents);
    if (innovations.length > 0) await manager.insert(EventInnovation, innovations);

    const registrations = buildDemoRegistrations(demoEvents, now);
    for (const r of registrations) {
      await manager.query(
        `INSERT INTO events.event_registration (event_id, person_id, organisation_id, organisation_kind, status, queue_number, registered_at, confirmed_at, attended)
         VALUES ($1, $2, $3, $4, $5, nextval('events.registration_queue'), $6, $7, $8)`,
        [
          r.eventId,
          r.personId,
          r.organisationId,
          r.organisationKind,
          r.status,
          r.registeredAt,
          r.status === 'CONFIRMED' ? r.registeredAt : null,
          r.attended,
        ],
      );
    }
    const questionPositions = new Map<string, number>();
    await manager.insert(
      BriefingQuestion,
      demoBriefingQuestions.map(({ eventKey, question, answer }) => {
        const event = demoEvents.find((e) => e.key === eventKey)!;
        const position = questionPositions.get(event.id) ?? 0;
        questionPositions.set(event.id, position + 1);
        return { eventId: event.id, position, question, answer, publishedAt: event.endsAt };
      }),
    );

    const positions = new Map<string, number>();
    await manager.insert(
      Faq,
      demoFaqs.map((faq) => {
        const position = positions.get(faq.topic) ?? 0;
        positions.set(faq.topic, position + 10);
        return {
          topic: faq.topic,
          question: faq.question,
          answer: faq.answer,
          status: faq.published ? 'PUBLISHED' : 'DRAFT',
          position,
          publishedAt: faq.published ? now : null,
          createdAt: now,
          updatedAt: now,
        } as const;
      }),
    );

    const staff = demoPersona('platform-admin');
    for (const request of demoSupportRequests) {
      const raisedAt = new Date(now.getTime() - request.daysAgo * dayMs);
      const answeredAt = new Date(raisedAt.getTime() + dayMs / 2);
      await manager.insert(SupportRequest, {
        id: request.id,
        requesterId: request.requesterId,
        organisationId: request.organisationId,
        category: request.category,
        subject: request.subject,
        status: request.answer ? 'ANSWERED' : 'OPEN',
        createdAt: raisedAt,
        updatedAt: request.answer ? answeredAt : raisedAt,
        answeredAt: request.answer ? answeredAt : null,
      });
      const by = { requestId: request.id, authorId: request.requesterId, authorIsStaff: false, createdAt: raisedAt };
      await manager.insert(SupportRequestEntry, { ...by, kind: 'MESSAGE', body: request.message });
      await manager.insert(SupportRequestEntry, { ...by, kind: 'STATUS_CHANGE', toStatus: 'OPEN' });
      if (request.answer) {
        const answer = { requestId: request.id, authorId: staff.id, authorIsStaff: true, createdAt: answeredAt };
        await manager.insert(SupportRequestEntry, { ...answer, kind: 'MESSAGE', body: request.answer });
        await manager.insert(SupportRequestEntry, { ...answer, kind: 'STATUS_CHANGE', fromStatus: 'OPEN', toStatus: 'ANSWERED' });
      }
    }
  });
}
