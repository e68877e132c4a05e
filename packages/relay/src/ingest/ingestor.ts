import { GroupCommitter } from '../storage/group-commit';
import { ThreadedSqliteStorage } from '../storage/threaded';
import type { RelayStorage } from '../storage/types';
import { ingestInbound, type InboundWebhook, type IngestOutcome, type WebhookSecrets } from './admit';

/** Most webhooks committed at once; a batch this size still commits in a few milliseconds. */
const INGEST_BATCH = 1000;

export type Ingestor = GroupCommitter<InboundWebhook, IngestOutcome>;

/**
 * The ingest path behind `POST /hooks/<provider>`: webhooks are grouped into batches, each
 * admitted (signature, shape) and committed at once, and each caller's promise settles only
 * after its batch is durable. The SQLite thread admits and commits in one place; for other
 * backends admission runs here, just before the batch is handed to storage.
 */
export function createIngestor(storage: RelayStorage, secrets: WebhookSecrets): Ingestor {
  const flush =
    storage instanceof ThreadedSqliteStorage
      ? (batch: InboundWebhook[]) => storage.ingestInbound(batch)
      : (batch: InboundWebhook[]) => ingestInbound(batch, secrets, (events) => storage.ingest(events));
  // Storage merges batches that queue up behind a commit, so several may be in flight.
  return new GroupCommitter<InboundWebhook, IngestOutcome>({ maxBatch: INGEST_BATCH, maxInFlight: 16, flush });
}
