import { buildApp } from '../../common/src/app';
import { vyora } from '../../common/src/core';
import { relayAuthOptions } from '../../common/src/relay-api';
import { buildRelayTrigger } from '../../common/src/triggers/relay';
import { snakeKey } from '../../common/src/names';
import { version } from '../package.json';
import { vyoraEvents } from './events';

/**
 * Vyora on Zapier: Trigger Call, Find Call (optionally waiting for the analysis), Find Agent,
 * New Agent, and instant Call Started / Call Completed / Analysis Ready triggers through the
 * callbridge relay, which receives Vyora's signed webhooks and forwards them to Zapier.
 */
export default buildApp(vyora, {
  version,
  auth: relayAuthOptions(vyora),
  instantTriggers: Object.fromEntries(vyoraEvents().map((ev) => [snakeKey(ev.event), buildRelayTrigger(vyora, ev)])),
});
