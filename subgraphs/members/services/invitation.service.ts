import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { badUserInput, conflict, DomainError, ErrorCode, forbidden, notFound, unauthenticated } from '../../../platform/errors';
import { recordDomainEvent } from '../../../platform/outbox';
import { parseId } from '../../../platform/ids';
import { boundedList, emailAddress, optionalText, requiredText } from '../../../platform/input';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { hasPlatformRole, type Identity, type OrganisationRole, type SignInClaims } from '../../../platform/identity';
import { Invitation, Organisation, Person } from '../entities';
import type { MembersLoaders } from '../loaders';
import { authorizeChange } from '../../../platform/sign-in';
import { authorize, canManagePeople, canSeeInvitations } from '../policy';
import { readOrganisationRoles } from './roles';

/** How long an invitation can be accepted for. */
export const INVITATION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

const MAX_NAME_LENGTH = 200;
const MAX_JOB_TITLE_LENGTH = 200;
/** Tokens are 43 characters (256 bits, base64url); anything much longer is not one. */
const MAX_TOKEN_LENGTH = 100;
/** A DNS name: labels of letters, digits and hyphens, a final label of letters. */
const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const MAX_INVITATION_DOMAINS = 20;

/** The domain of an email address, lower case. */
function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** The one answer to a caller signed in as another address, registered or not: nothing to learn about who is. */
const otherAddressMessage = 'This invitation was sent to another email address: sign in with that address to accept it.';

/** SHA-256 of a token, hex: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Invitations: sending, listing the open ones, restricting them to an organisation's email
 * domains, and accepting one (which creates the person).
 */
export class InvitationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: MembersLoaders,
    private readonly viewer: Identity,
    /** Invitations expire by it: a test moves it past an invitation's lifetime. */
    private readonly clock: Clock,
    /** A caller with a verified token naming nobody registered yet (platform/identity.ts `Caller`). */
    private readonly newcomer: SignInClaims | null = null,
  ) {}

  async listOpen(organisationId: string, first: number): Promise<Invitation[]> {
    authorize(canSeeInvitations(this.viewer, organisationId), "Only the organisation's admins may see its invitations.");
    return this.loaders.openInvitationsByOrganisation(first).load(organisationId);
  }

  async invite(input: {
    organisationId: string;
    email: string;
    roles: readonly OrganisationRole[];
  }): Promise<{ invitation: Invitation; token: string }> {
    const organisationId = parseId(input.organisationId, 'organisationId');
    const email = emailAddress(input.email, { field: 'email' });
    const organisationRoles = readOrganisationRoles(input.roles);
    authorizeChange(this.viewer, canManagePeople(this.viewer, organisationId), "Only the organisation's admins may invite people to it.");

    // 256 random bits: unguessable, and shown once; only its hash is stored.
    const viewer = this.viewer;
    const token = randomBytes(32).toString('base64url');
    const invitation = await this.dataSource.transaction(async (manager) => {
      const organisation = await manager.findOneBy(Organisation, { id: organisationId });
      if (!organisation) throw notFound('Organisation', organisationId);
      const allowedDomains = organisation.invitationDomains;
      if (allowedDomains.length > 0 && !allowedDomains.includes(domainOf(email))) {
        throw new DomainError(
          ErrorCode.EMAIL_DOMAIN_NOT_ALLOWED,
          `${organisation.name} accepts invitations only to addresses at ${allowedDomains.join(', ')}.`,
          { argument: 'email', allowedDomains },
        );
      }
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
        expiresAt: new Date(this.clock.now().getTime() + INVITATION_LIFETIME_MS),
        acceptedAt: null,
      });
      const saved = await manager.save(row);
      // The token stays out of the event: it is shown once to the inviter and kept only hashed.
      await recordDomainEvent(manager, {
        source: 'members',
        kind: 'invitation.sent',
        occurredAt: this.clock.now(),
        subject: { typename: 'Invitation', id: saved.id },
        facts: {
          invitationId: saved.id,
          organisationId,
          organisationName: organisation.name,
          email,
          invitedByPersonId: viewer.personId,
          expiresAt: saved.expiresAt.toISOString(),
        },
      });
      return saved;
    });
    return { invitation, token };
  }

  /**
   * Restricts invitations to `domains` (see `Organisation.invitationDomains` in the schema). A
   * domain gets in only verified: a platform admin lists any (they check the organisation controls
   * it); an organisation admin only their own email's domain, which the token they signed in with
   * vouches for (`email_verified`), besides those already listed. Lifting the restriction (an empty
   * list) is the platform admins' call. A stale `version` (optional) is refused with CONFLICT and
   * `currentVersion` before the domains are weighed against the current ones.
   */
  async restrictDomains(organisationIdInput: string, domainsInput: readonly string[], version?: number | null): Promise<Organisation> {
    const organisationId = parseId(organisationIdInput, 'organisationId');
    const domains = boundedList([...new Set(domainsInput.map((domain) => domain.trim().toLowerCase().replace(/^@/, '')))], {
      field: 'domains',
      max: MAX_INVITATION_DOMAINS,
      noun: 'domains',
    });
    const malformed = domains.find((domain) => !domainPattern.test(domain));
    if (malformed !== undefined) throw badUserInput(`"${malformed}" is not a domain name such as "kent.gov.uk".`, 'domains');
    authorizeChange(
      this.viewer,
      canManagePeople(this.viewer, organisationId),
      "Only the organisation's admins may restrict its invitations.",
    );
    const viewer = this.viewer;
    const platformAdmin = hasPlatformRole(viewer, 'PLATFORM_ADMIN');
    const organisation = await this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Organisation, { where: { id: organisationId }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw notFound('Organisation', organisationId);
      current.version = await updateAtVersion(manager, {
        table: 'members.organisation',
        noun: 'organisation',
        id: organisationId,
        expectedVersion: version ?? null,
        assignments: '',
        values: [],
      });
      if (!platformAdmin) {
        const own = domainOf(viewer.email);
        const unverified = domains.filter((domain) => domain !== own && !current.invitationDomains.includes(domain));
        if (unverified.length > 0) {
          throw forbidden(
            `An organisation admin may list only the domain of their own email address (${own}) and domains already listed; ask the platform to verify ${unverified.join(', ')}.`,
          );
        }
        if (domains.length === 0 && current.invitationDomains.length > 0) {
          throw forbidden('Only platform admins may lift the restriction of invitations to verified domains.');
        }
      }
      await manager.update(Organisation, { id: organisationId }, { invitationDomains: domains });
      return Object.assign(current, { invitationDomains: domains });
    });
    // Cleared first: prime() keeps an entry already loaded in this request, which would show the old version.
    this.loaders.organisationById.clear(organisation.id).prime(organisation.id, organisation);
    return organisation;
  }

  /**
   * Creates the invited person, bound to the caller's sign-in account. The caller must prove the
   * invited address: signed in with a verified token for it (a newcomer, since nobody has the
   * address yet). Anonymous: UNAUTHENTICATED. Signed in as any other address, registered or not:
   * the same FORBIDDEN, so acceptance tells nobody who is registered. The token (secret,
   * single-use, expiring) proves they received this invitation.
   */
  async accept(tokenInput: string, name: string, jobTitle: string | null | undefined): Promise<Person> {
    const token = requiredText(tokenInput, { field: 'token', max: MAX_TOKEN_LENGTH });
    const fullName = requiredText(name, { field: 'name', max: MAX_NAME_LENGTH });
    const title = optionalText(jobTitle, { field: 'jobTitle', max: MAX_JOB_TITLE_LENGTH });
    const { viewer, newcomer } = this;
    if (!viewer && !newcomer) throw unauthenticated('Sign in with the invited email address to accept an invitation.');
    const callerEmail = (viewer?.email ?? newcomer!.email).toLowerCase();

    const now = this.clock.now();
    const person = await this.dataSource.transaction(async (manager) => {
      const invitation = await manager.findOne(Invitation, {
        where: { tokenHash: hashToken(token) },
        lock: { mode: 'pessimistic_write' },
      });
      // The same answer for a wrong token as for no token: nothing to learn by guessing.
      if (!invitation) throw new DomainError(ErrorCode.NOT_FOUND, 'No invitation matches this token.', { typeName: 'Invitation' });
      if (invitation.email !== callerEmail) throw forbidden(otherAddressMessage);
      // From here the caller has proved they own the invited address: telling them about it is no leak.
      if (viewer) throw conflict('You already belong to an organisation in the IPS; an invitation cannot move you.');
      if (invitation.acceptedAt) throw conflict('This invitation has already been accepted.');
      if (invitation.expiresAt.getTime() <= now.getTime()) {
        throw conflict(`This invitation expired on ${invitation.expiresAt.toISOString()}; ask for a new one.`);
      }
      const claims = newcomer!;
      if (await manager.existsBy(Person, { email: invitation.email }))
        throw conflict(`${invitation.email} already belongs to someone in the IPS.`);
      if (await manager.existsBy(Person, { authIssuer: claims.issuer, authSubject: claims.subject })) {
        throw conflict('Your sign-in account already belongs to another person in the IPS.');
      }
      const created = await manager.save(
        manager.create(Person, {
          organisationId: invitation.organisationId,
          name: fullName,
          jobTitle: title,
          email: invitation.email,
          phone: null,
          organisationRoles: invitation.organisationRoles,
          platformRoles: [],
          // Bound now, as a first sign-in would bind it: only this sign-in account is this person.
          authIssuer: claims.issuer,
          authSubject: claims.subject,
        }),
      );
      await manager.update(Invitation, { id: invitation.id }, { acceptedAt: now });
      // Consumers keeping their own directory (notifications) learn of the newcomer with the change.
      await recordDomainEvent(manager, {
        source: 'members',
        kind: 'person.joined',
        occurredAt: now,
        subject: { typename: 'Person', id: created.id },
        facts: {
          personId: created.id,
          organisationId: created.organisationId,
          email: created.email,
          name: created.name,
          roles: [...created.organisationRoles],
          invitationId: invitation.id,
        },
      });
      return created;
    });
    this.loaders.personById.prime(person.id, person);
    return person;
  }
}
