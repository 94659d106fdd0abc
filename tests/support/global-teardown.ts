import { testClamd } from './global-setup';

/** Stops what global setup started (tests/support/global-setup.ts). */
export default async function globalTeardown(): Promise<void> {
  await testClamd.current?.stop();
  testClamd.current = undefined;
}
