import { buildApp } from '../../common/src/app';
import { ayla } from '../../common/src/core';
import { version } from '../package.json';

/**
 * Ayla on Zapier: Analyze Message for fraud, Decide Channel, Verify Sender ID and Get
 * Carrier Health. Ayla lists nothing that appears over time and sends no webhooks, so it
 * has no triggers. The connection label shows whether the key is a test or a live key.
 */
export default buildApp(ayla, { version });
