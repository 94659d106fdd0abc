import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { conflict, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { recordDomainEvent } from '../../../platform/outbox';
import type { Identity, OrganisationRole } from '../../../platform/identity';
import { Organisation, Person } from '../entities';
import type { MembersLoaders } from '../loaders';
import { authorizeChange, requireSignedIn } from '../../../platform/sign-in';
import { authorize, canManagePerson, canSeePeople, canSeePersonalData } from '../policy';
import { readOrganisationRoles } from './roles';

/** People: reading them as the policy allows, changing their roles and removing them. */
export class PersonService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: MembersLoaders,
    private readonly viewer: Identity,
    /** When a change happened, as its domain event records it. */
    private readonly clock: Clock,
  ) {}

  /** Null for an unknown id, and for anonymous callers (who may not look people up). */
  async findById(id: string): Promise<Person | null> {
    const personId = parseId(id);
    if (!canSeePeople(this.viewer)) return null;
    return this.loaders.personById.load(personId);
  }

  /** Ordered by name, at most `first` (validated, readListSize); empty for anonymous callers. */
  async listByOrganisation(organisationId: string, first: number): Promise<Person[]> {
    if (!canSeePeople(this.viewer)) return [];
    return this.loaders.peopleByOrganisation(first).load(organisationId);
  }

  /** The signed-in caller's own record; null when anonymous (or removed since signing in). */
  async findViewer(): Promise<Person | null> {
    return this.viewer ? this.loaders.personById.load(this.viewer.personId) : null;
  }

  email(person: Person): string {
    authorize(canSeePersonalData(this.viewer, person), "Only the person's own organisation and platform staff may see their email.");
    return person.email;
  }

  phone(person: Person): string | null {
    authorize(canSeePersonalData(this.viewer, person), "Only the person's own organisation and platform staff may see their phone number.");
    return person.phone;
  }

  /**
   * Replaces a person's organisation roles; an organisation always keeps at least one admin. A stale
   * `version` (optional) is refused with CONFLICT and `currentVersion` before the last-admin rule is
   * weighed; the version moves on with every change of roles.
   */
  async changeRoles(personId: string, roles: readonly OrganisationRole[], version?: number | null): Promise<Person> {
    const id = parseId(personId, 'personId');
    const organisationRoles = readOrganisationRoles(roles);
    const person = await this.dataSource.transaction(async (manager) => {
      const person = await this.lockForChange(manager, id);
      person.version = await updateAtVersion(manager, {
        table: 'members.person',
        noun: 'person',
        id,
        expectedVersion: version ?? null,
        assignments: '',
        values: [],
      });
      if (!organisationRoles.includes('ORG_ADMIN')) await assertNotLastAdmin(manager, person, 'demoted');
      await manager.update(Person, { id }, { organisationRoles });
      await recordDomainEvent(manager, {
        source: 'members',
        kind: 'person.roles_changed',
        occurredAt: this.clock.now(),
        subject: { typename: 'Person', id },
        facts: {
          personId: id,
          organisationId: person.organisationId,
          roles: organisationRoles,
          previousRoles: [...person.organisationRoles],
          changedByPersonId: this.viewer!.personId,
        },
      });
      return Object.assign(person, { organisationRoles });
    });
    this.loaders.personById.clear(id).prime(id, person);
    return person;
  }

  /** Removes a person; an organisation's last admin cannot be removed. Returns the id. */
  async remove(personId: string): Promise<string> {
    const id = parseId(personId, 'personId');
    await this.dataSource.transaction(async (manager) => {
      const person = await this.lockForChange(manager, id);
      await assertNotLastAdmin(manager, person, 'removed');
      await manager.delete(Person, { id });
      await recordDomainEvent(manager, {
        source: 'members',
        kind: 'person.removed',
        occurredAt: this.clock.now(),
        subject: { typename: 'Person', id },
        facts: { personId: id, organisationId: person.organisationId, removedByPersonId: this.viewer!.personId },
      });
    });
    this.loaders.personById.clear(id);
    return id;
  }

  /**
   * Finds the person, checks the caller may manage their organisation's people, then locks the
   * organisation row: every change to an organisation's admins takes that lock first, so two
   * admins demoting each other at once cannot leave the organisation with none.
   */
  private async lockForChange(manager: EntityManager, id: string): Promise<Person> {
    requireSignedIn(this.viewer);
    const found = await manager.findOneBy(Person, { id });
    if (!found) throw notFound('Person', id);
    authorizeChange(
      this.viewer,
      canManagePerson(this.viewer, found),
      found.platformRoles.length > 0
        ? 'Only platform admins may manage people who hold platform roles.'
        : "Only the organisation's admins may manage its people.",
    );
    await manager.findOne(Organisation, { where: { id: found.organisationId }, lock: { mode: 'for_no_key_update' } });
    // Read again under the lock: the roles may have changed while we waited.
    const person = await manager.findOneBy(Person, { id });
    if (!person) throw notFound('Person', id);
    return person;
  }
}

async function assertNotLastAdmin(manager: EntityManager, person: Person, change: 'demoted' | 'removed'): Promise<void> {
  if (!person.organisationRoles.includes('ORG_ADMIN')) return;
  const [{ admins }] = await manager.query(
    `SELECT count(*)::int AS admins FROM members.person WHERE organisation_id = $1 AND 'ORG_ADMIN' = ANY (organisation_roles)`,
    [person.organisationId],
  );
  if (admins <= 1) {
    throw conflict(`${person.name} is the last admin of their organisation and cannot be ${change}; make someone else an admin first.`);
  }
}
