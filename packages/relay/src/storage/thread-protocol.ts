import type { ConfigChange, RelayStorage } from './types';

/** Messages between ThreadedSqliteStorage and the sqlite-worker thread. */
export type StorageMethod = Exclude<keyof RelayStorage, 'kind' | 'onWake' | 'onConfigChange' | 'onRemoteEvents'>;

export const STORAGE_METHODS: readonly StorageMethod[] = [
  'ingest',
  'createSubscription',
  'getSubscription',
  'listSubscriptions',
  'updateSubscription',
  'rotateSecret',
  'deleteSubscription',
  'addTestDelivery',
  'getEvent',
  'listEvents',
  'listDeliveries',
  'listAttempts',
  'listEventsAfter',
  'claimDue',
  'complete',
  'releaseLeases',
  'nextDueAt',
  'replayDeliveries',
  'addDelivery',
  'prune',
  'createSource',
  'getSource',
  'listSources',
  'updateSource',
  'deleteSource',
  'createToken',
  'listTokens',
  'deleteToken',
  'touchTokens',
  'readSecrets',
  'writeSecrets',
  'stats',
  'health',
  'getSetting',
  'setSetting',
  'close',
];

export interface StorageRequest {
  id: number;
  method: StorageMethod;
  args: unknown[];
}

export type StorageReply =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: { name: string; message: string } };

export type WorkerMessage =
  | StorageReply
  | { type: 'wake' }
  | { type: 'config'; change: ConfigChange }
  | { type: 'ready' }
  | { type: 'fatal'; message: string };
