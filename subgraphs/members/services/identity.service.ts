import type { DataSource } from 'typeorm';
import type { Viewer } from '../../../platform/identity';
import { Organisation, Person } from '../entities';

/**
 * Who a verified email address is, in the terms every subgraph's policy uses. The gateway asks
 * this (through `GET /internal/identity`) once per caller and forwards the answer, signed.
 * Returns null for an email that belongs to nobody.
 */
export async function findViewerByEmail(dataSource: DataSource, email: string): Promise<Viewer | null> {
  const person = await dataSource.getRepository(Person).findOne({ where: { email: email.toLowerCase() } });
  if (!person) return null;
  const organisation = await dataSource.getRepository(Organisation).findOneByOrFail({ id: person.organisationId });
  return {
    personId: person.id,
    email: person.email,
    organisationId: organisation.id,
    organisationKind: organisation.kind,
    membershipStatus: null,
    organisationRoles: [],
    platformRoles: [],
  };
}
