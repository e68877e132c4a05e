import type { Command } from '../command';
import { call } from './call';
import { deliveries } from './deliveries';
import { events } from './events';
import { list } from './list';
import { listen } from './listen';
import { make } from './make';
import { ops } from './ops';
import { relay } from './relay';
import { sandbox } from './sandbox';
import { sendEvent } from './send-event';
import { sign } from './sign';
import { sources } from './sources';
import { subscriptions } from './subscriptions';
import { tokens } from './tokens';
import { verify } from './verify';

/**
 * Every `callbridge` command, in the order `--help` lists them. A new command is one module
 * in this folder (built with `defineCommand`) and one entry here.
 */
export const commands: readonly Command[] = [
  ops,
  call,
  list,
  verify,
  sign,
  relay,
  sandbox,
  sendEvent,
  listen,
  make,
  subscriptions,
  events,
  deliveries,
  sources,
  tokens,
];
