import { systemClock } from '../../../platform/clock';
import type { Viewer } from '../../../platform/identity';
import { AdmissionService } from './admission.service';

/**
 * Issue 24 item 10: a supplier's ORG_ADMIN whose organisation is not an active member was told
 * "Only a supplier's ORG_ADMIN may apply", which they are. The refusal names what is wrong. (The
 * platform-wide rule refuses such callers first through the gateway, with the same words; see
 * tests/small-defects.test.ts. This is the service on its own, e.g. behind another caller.)
 * Refusals come before any database work, so no database is needed.
 */
const supplierAdmin = (membershipStatus: Viewer['membershipStatus'], overrides: Partial<Viewer> = {}): Viewer => ({
  personId: '00000000-0000-4000-8000-000000000001',
  email: 'owner@supplier.example',
  organisationId: '00000000-0000-4000-8000-000000000002',
  organisationKind: 'SUPPLIER',
  membershipStatus,
  organisationRoles: ['ORG_ADMIN'],
  platformRoles: [],
  ...overrides,
});
const apply = (viewer: Viewer) =>
  new AdmissionService(null as never, null as never, viewer, systemClock).apply({
    lotId: '00000000-0000-4000-8000-000000000003',
    exclusionGroundsApply: false,
  });

describe('applyForAdmission refusals say what is wrong', () => {
  it.each([
    ['LAPSED', /LAPSED membership/],
    ['APPLIED', /APPLIED membership/],
    ['SUSPENDED', /membership is SUSPENDED/],
    [null, /not a member/],
  ] as const)('a supplier ORG_ADMIN whose membership is %s hears about the membership', async (status, message) => {
    const refusal = apply(supplierAdmin(status));
    await expect(refusal).rejects.toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'FORBIDDEN' } });
    await expect(refusal).rejects.not.toMatchObject({ message: expect.stringMatching(/ORG_ADMIN may apply/) });
  });

  it("an active member's contributor, or a council, still hears that only a supplier's ORG_ADMIN may apply", async () => {
    await expect(apply(supplierAdmin('ACTIVE', { organisationRoles: ['SUPPLIER_CONTRIBUTOR'] }))).rejects.toMatchObject({
      message: expect.stringMatching(/ORG_ADMIN may apply/),
    });
    await expect(apply(supplierAdmin('ACTIVE', { organisationKind: 'COUNTY_COUNCIL' }))).rejects.toMatchObject({
      message: expect.stringMatching(/ORG_ADMIN may apply/),
    });
  });
});
