import type { Viewer } from './identity';
import { authorizeChange, refuse, requireSignedIn, SIGN_IN_MESSAGE } from './sign-in';

const viewer = { personId: 'p', organisationId: 'o' } as Viewer;
const refusal = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return { code: (error as { extensions?: { code?: string } }).extensions?.code, message: (error as Error).message };
  }
  return null;
};

test('requireSignedIn: the viewer when signed in; UNAUTHENTICATED with the default or given message when not', () => {
  expect(requireSignedIn(viewer)).toBe(viewer);
  expect(refusal(() => requireSignedIn(null))).toEqual({ code: 'UNAUTHENTICATED', message: SIGN_IN_MESSAGE });
  expect(refusal(() => requireSignedIn(null, 'Sign in to change innovations.'))).toEqual({
    code: 'UNAUTHENTICATED',
    message: 'Sign in to change innovations.',
  });
});

test('refuse: FORBIDDEN for a signed-in caller, UNAUTHENTICATED for an anonymous one, each with its message', () => {
  expect(refusal(() => refuse(viewer, 'No.'))).toEqual({ code: 'FORBIDDEN', message: 'No.' });
  expect(refusal(() => refuse(null, 'No.'))).toEqual({ code: 'UNAUTHENTICATED', message: 'No.' });
  expect(refusal(() => refuse(null, 'No.', 'Sign in first.'))).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in first.' });
});

test('authorizeChange: anonymous is UNAUTHENTICATED even where the rule allows; a signed-in refusal is FORBIDDEN', () => {
  expect(refusal(() => authorizeChange(null, true, 'No.'))).toEqual({ code: 'UNAUTHENTICATED', message: SIGN_IN_MESSAGE });
  expect(refusal(() => authorizeChange(null, false, 'No.'))).toEqual({ code: 'UNAUTHENTICATED', message: SIGN_IN_MESSAGE });
  expect(refusal(() => authorizeChange(viewer, false, 'No.'))).toEqual({ code: 'FORBIDDEN', message: 'No.' });
  expect(refusal(() => authorizeChange(viewer, true, 'No.'))).toBeNull();
});
