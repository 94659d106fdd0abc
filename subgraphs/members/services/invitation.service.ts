import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { badUserInput, conflict, DomainError, ErrorCode, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity, OrganisationRole } from '../../../platform/identity';
import { Invitation, Organisation, Person } from '../entities';
import type { MembersLoaders } from '../loaders';
import { authorize, authorizeChange, canManagePeople, canSeeInvitations } from '../policy';
import { readOrganisationRoles } from './roles';

/** How long an invitation can be accepted for. */
export const INVITATION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NAME_LENGTH = 200;
const MAX_JOB_TITLE_LENGTH = 200;
/** Tokens are 43 characters (256 bits, base64url); anything much longer is not one. */
const MAX_TOKEN_LENGTH = 100;

/** SHA-256 of a token, hex: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Invitations: sending, listing the open ones, and accepting one (which creates the person). */
export class InvitationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: MembersLoaders,
    private readonly viewer: Identity,
  ) {}

  async listOpen(organisationId: string): Promise<Invitation[]> {
    authorize(canSeeInvitations(this.viewer, organisationId), "Only the organisation's admins may see its invitations.");
    return this.loaders.openInvitationsByOrganisation.load(organisationId);
  }

  async invite(input: { organisationId: string; email: string; roles: readonly OrganisationRole[] }): Promise<{ invitation: Invitation; token: string }> {
    const organisationId = parseId(input.organisationId, 'organisationId');
    const email = input.email.trim().toLowerCase();
    if (!emailPattern.test(email) || email.length > 320) throw badUserInput(`"${input.email}" is not an email address.`, 'email');
    const organisationRoles = readOrganisationRoles(input.roles);
    authorizeChange(this.viewer, canManagePeople(this.viewer, organisationId), "Only the organisation's admins may invite people to it.");

    // 256 random bits: unguessable, and shown once; only its hash is stored.
    const viewer = this.viewer;
    const token = randomBytes(32).toString('base64url');
    const invitation = await this.dataSource.transaction(async (manager) => {
      if (!(await manager.existsBy(Organisation, { id: organisationId }))) throw notFound('Organisation', organisationId);
      // Only someone already in the inviting organisation is reported: saying that an email is
      // registered with another organisation would tell any admin who belongs where. Anyone else
      // is refused when they try to accept.
      if (await manager.existsBy(Person, { email, organisationId })) throw conflict(`${email} already belongs to this organisation.`);
      const row = manager.create(Invitation, {
        organisationId,
        email,
        organisationRoles,
        invitedBy: viewer.personId,
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS),
        acceptedAt: null,
      });
      return manager.save(row);
    });
    return { invitation, token };
  }

  /**
   * Creates the invited person. Needs no signed-in caller: the invitee has no account yet, and the
   * token (secret, single-use, expiring) is the proof that they received the invitation.
   */
  async accept(token: string, name: string, jobTitle: string | null | undefined): Promise<Person> {
    const fullName = name.trim();
    if (!token.trim() || token.length > MAX_TOKEN_LENGTH) throw badUserInput('The invitation token is missing or malformed.', 'token');
    if (!fullName || fullName.length > MAX_NAME_LENGTH) throw badUserInput(`Give a name of 1 to ${MAX_NAME_LENGTH} characters.`, 'name');
    const title = jobTitle?.trim() || null;
    if (title && title.length > MAX_JOB_TITLE_LENGTH) throw badUserInput(`A job title may be at most ${MAX_JOB_TITLE_LENGTH} characters.`, 'jobTitle');

    const person = await this.dataSource.transaction(async (manager) => {
      const invitation = await manager.findOne(Invitation, { where: { tokenHash: hashToken(token.trim()) }, lock: { mode: 'pessimistic_write' } });
      // The same answer for a wrong token as for no token: nothing to learn by guessing.
      if (!invitation) throw new DomainError(ErrorCode.NOT_FOUND, 'No invitation matches this token.', { typeName: 'Invitation' });
      if (invitation.acceptedAt) throw conflict('This invitation has already been accepted.', { invitationId: invitation.id });
      if (invitation.expiresAt.getTime() <= Date.now()) {
        throw conflict(`This invitation expired on ${invitation.expiresAt.toISOString()}; ask for a new one.`, { invitationId: invitation.id });
      }
      if (await manager.existsBy(Person, { email: invitation.email })) throw conflict(`${invitation.email} already belongs to someone in the IPS.`);
      const created = await manager.save(
        manager.create(Person, {
          organisationId: invitation.organisationId,
          name: fullName,
          jobTitle: title,
          email: invitation.email,
          phone: null,
          organisationRoles: invitation.organisationRoles,
          platformRoles: [],
        }),
      );
      await manager.update(Invitation, { id: invitation.id }, { acceptedAt: new Date() });
      return created;
    });
    this.loaders.personById.prime(person.id, person);
    return person;
  }
}
