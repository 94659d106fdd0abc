/**
 * Tests run under the development profile, as `npm start` does: the committed development secrets
 * are accepted only with it (platform/config.ts). Harnesses that pass their own environment set
 * IPS_PROFILE themselves; this covers code that reads process.env.
 */
process.env.IPS_PROFILE ??= 'development';

import { configureLogging } from '../../platform/logger';

// Request lines would bury jest's report; tests that check logging capture them (tests/operability.test.ts).
configureLogging({ level: 'error', format: 'json' });
