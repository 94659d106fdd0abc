import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '../../../platform/outbox';
import type { Recipients } from '../audience';

/**
 * The subgraph's own directory of people and organisations (entities/directory.entity.ts): who is
 * told is decided from it and the event's facts, never by reading members' tables. Members' domain
 * events keep it current, in the transaction that applies them (with their notices).
 */
export async function updateDirectory(manager: EntityManager, event: DomainEvent): Promise<void> {
  switch (event.kind) {
    case 'membership.applied':
    case 'membership.decided': {
      const facts = event.facts as DomainEvent<'membership.decided'>['facts'];
      if (facts.organisationKind && facts.organisationName) {
        // An organisation the directory has not seen (not in the seed) is added as it applies.
        await manager.query(
          `INSERT INTO notifications.known_organisation (id, name, kind, membership_status) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET membership_status = EXCLUDED.membership_status, name = EXCLUDED.name, kind = EXCLUDED.kind`,
          [facts.organisationId, facts.organisationName, facts.organisationKind, facts.toStatus],
        );
      } else {
        // Recorded before the facts carried the organisation's kind: only a known organisation moves.
        await manager.query(`UPDATE notifications.known_organisation SET membership_status = $2 WHERE id = $1`, [
          facts.organisationId,
          facts.toStatus,
        ]);
      }
      return;
    }
    case 'person.joined': {
      const facts = event.facts as DomainEvent<'person.joined'>['facts'];
      // A person's id is never reused, so a removal that arrived first (a tombstone, below) keeps them inactive.
      await manager.query(
        `INSERT INTO notifications.known_person (id, organisation_id, name, email, organisation_roles, platform_roles, active)
         VALUES ($1, $2, $3, $4, $5::text[], '{}', true)
         ON CONFLICT (id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id, name = EXCLUDED.name, email = EXCLUDED.email,
           organisation_roles = EXCLUDED.organisation_roles`,
        [facts.personId, facts.organisationId, facts.name, facts.email, facts.roles],
      );
      return;
    }
    case 'person.roles_changed': {
      const facts = event.facts as DomainEvent<'person.roles_changed'>['facts'];
      await manager.query(`UPDATE notifications.known_person SET organisation_roles = $2::text[] WHERE id = $1`, [
        facts.personId,
        facts.roles,
      ]);
      return;
    }
    case 'person.removed': {
      const facts = event.facts as DomainEvent<'person.removed'>['facts'];
      // Kept, inactive, rather than deleted: a removed person is told nothing, whatever arrives after.
      await manager.query(
        `INSERT INTO notifications.known_person (id, organisation_id, name, email, organisation_roles, platform_roles, active)
         VALUES ($1, $2, '', '', '{}', '{}', false)
         ON CONFLICT (id) DO UPDATE SET active = false`,
        [facts.personId, facts.organisationId],
      );
      return;
    }
    default:
      return;
  }
}

export interface Recipient {
  personId: string;
  email: string;
  name: string;
}

/**
 * The people `to` names, as the directory knows them today: active people only, never `exclude`
 * (whoever caused the event) and, for a member-only event, only people of ACTIVE member
 * organisations. Unknown ids name nobody.
 */
export async function resolveRecipients(
  manager: EntityManager,
  to: Recipients,
  { exclude, membersOnly }: { exclude: string | null; membersOnly: boolean },
): Promise<Recipient[]> {
  const parameters: unknown[] = [exclude, membersOnly];
  let condition: string;
  if ('people' in to) {
    if (to.people.length === 0) return [];
    parameters.push([...to.people]);
    condition = `p.id = ANY($3::uuid[])`;
  } else if ('organisations' in to) {
    if (to.organisations.length === 0) return [];
    parameters.push([...to.organisations]);
    condition = `p.organisation_id = ANY($3::uuid[])`;
    if (to.roles) {
      parameters.push([...to.roles]);
      condition += ` AND p.organisation_roles && $4::text[]`;
    }
  } else {
    parameters.push(to.platformRole);
    condition = `$3 = ANY(p.platform_roles)`;
  }
  const rows = (await manager.query(
    `SELECT p.id AS "personId", p.email, p.name
       FROM notifications.known_person p
       LEFT JOIN notifications.known_organisation o ON o.id = p.organisation_id
      WHERE p.active AND ${condition}
        AND ($1::uuid IS NULL OR p.id <> $1::uuid)
        AND (NOT $2::boolean OR o.membership_status = 'ACTIVE')
      ORDER BY p.id`,
    parameters,
  )) as Recipient[];
  return rows;
}
