import { demoOrganisation } from '../../demo-data/organisations';
import type { Viewer } from '../../platform/identity';
import { personaViewer } from '../../tests/support/viewers';
import type { Innovation } from './entities';
import { reviewStatus } from './policy';
import { canAssess, canDecide, canDeclareConflict, canEndorse, innovationMachine, type AssessorStanding } from './status-machines';

/** The vetting rules as pure functions: the cases the gateway scenarios cannot reach with demo personas. */
const supplier = demoOrganisation('resurface-tech');
const innovation = (fields: Partial<Innovation>) =>
  ({ supplierId: supplier.id, status: 'UNDER_REVIEW', revisionStatus: null, ...fields }) as Innovation;
const clean: AssessorStanding = { assigned: true, declaredNoConflict: true, conflictedWithSupplier: false };

describe('innovations policy', () => {
  it('never lets an assessor assess or decide an innovation of their own organisation', () => {
    const ownAssessor: Viewer = { ...personaViewer('resurface-contributor'), platformRoles: ['ASSESSOR'] };
    expect(canDeclareConflict(ownAssessor, innovation({}), clean)).toBe(false);
    expect(canAssess(ownAssessor, innovation({}), clean)).toBe(false);
    expect(canDecide(ownAssessor, innovation({}), clean)).toBe(false);
    expect(canAssess(personaViewer('assessor'), innovation({}), clean)).toBe(true);
  });

  it('bars an assessor who declared a conflict with the supplier, or has not declared, or is unassigned', () => {
    const assessor = personaViewer('assessor');
    expect(canAssess(assessor, innovation({}), { ...clean, conflictedWithSupplier: true })).toBe(false);
    expect(canAssess(assessor, innovation({}), { ...clean, declaredNoConflict: false })).toBe(false);
    expect(canAssess(assessor, innovation({}), { ...clean, assigned: false })).toBe(false);
    expect(
      canDecide(personaViewer('platform-admin'), innovation({}), {
        assigned: false,
        declaredNoConflict: false,
        conflictedWithSupplier: false,
      }),
    ).toBe(true);
  });

  it('reviews a pending revision while the innovation stays APPROVED', () => {
    const revising = innovation({ status: 'APPROVED', revisionStatus: 'CHANGES_REQUESTED' });
    expect(reviewStatus(revising)).toBe('CHANGES_REQUESTED');
    const author = personaViewer('resurface-contributor');
    const canEdit = (viewer: Viewer, subject: Innovation) => innovationMachine.capable('edit', viewer, subject);
    expect(canEdit(author, revising)).toBe(true);
    expect(innovationMachine.capable('submit', author, revising)).toBe(true);
    expect(canEdit(author, innovation({ status: 'APPROVED', revisionStatus: 'UNDER_REVIEW' }))).toBe(false);
    expect(canEdit(personaViewer('resurface-contributor', 'SUSPENDED'), revising)).toBe(false);
    // A rejected revision may be edited again (the listed version stays); a rejected innovation may not.
    expect(canEdit(author, innovation({ status: 'APPROVED', revisionStatus: 'REJECTED' }))).toBe(true);
    expect(canEdit(author, innovation({ status: 'REJECTED' }))).toBe(false);
    // Only never-approved work may be deleted, whatever its revision's status.
    expect(innovationMachine.capable('delete', author, innovation({ status: 'DRAFT' }))).toBe(true);
    expect(innovationMachine.capable('delete', author, innovation({ status: 'APPROVED', revisionStatus: 'DRAFT' }))).toBe(false);
  });

  it('lets only active public bodies endorse, once, approved innovations', () => {
    const approved = innovation({ status: 'APPROVED' });
    expect(canEndorse(personaViewer('kent-buyer'), approved, false)).toBe(true);
    expect(canEndorse(personaViewer('kent-buyer'), approved, true)).toBe(false);
    expect(canEndorse(personaViewer('kent-buyer', 'LAPSED'), approved, false)).toBe(false);
    expect(canEndorse(personaViewer('leeds-viewer'), approved, false)).toBe(false);
    expect(canEndorse(personaViewer('potholepro-contributor'), approved, false)).toBe(false);
    expect(canEndorse(personaViewer('kent-buyer'), innovation({ status: 'UNDER_REVIEW' }), false)).toBe(false);
  });
});
