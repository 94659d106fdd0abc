import { forbidden, unauthenticated } from './errors';
import type { Identity, Viewer } from './identity';

/**
 * The one way to say "sign in" and "not allowed". A rule (policy.ts) answers yes or no; these turn a no
 * into the refusal: UNAUTHENTICATED for an anonymous caller, who may yet sign in, FORBIDDEN for a
 * signed-in one, who may not.
 */

/** What an anonymous caller is told when nothing more specific applies. */
export const SIGN_IN_MESSAGE = 'Sign in to do this.';

/** The viewer, typed as signed in; UNAUTHENTICATED for an anonymous caller. */
export function requireSignedIn(viewer: Identity, message: string = SIGN_IN_MESSAGE): Viewer {
  if (!viewer) throw unauthenticated(message);
  return viewer;
}

/** A rule refused `viewer`: FORBIDDEN when signed in, UNAUTHENTICATED (with the same message unless told) when not. */
export function refuse(viewer: Identity, message: string, anonymousMessage: string = message): never {
  throw viewer ? forbidden(message) : unauthenticated(anonymousMessage);
}

/** For mutations: UNAUTHENTICATED for an anonymous caller (even where the rule would allow), FORBIDDEN for a signed-in one the rule refuses. */
export function authorizeChange(viewer: Identity, allowed: boolean, message: string): asserts viewer is Viewer {
  requireSignedIn(viewer);
  if (!allowed) refuse(viewer, message);
}
