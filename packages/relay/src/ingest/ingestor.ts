import { GroupCommitter } from '../storage/group-commit';
import { DEFAULT_SOURCE, type NewEvent, type RelayStorage } from '../storage/types';
import type { EventBus } from './event-bus';
import { ingestInbound, type AdmitOptions, type InboundWebhook, type IngestOutcome, type WebhookSecrets } from './admit';

/** Most webhooks committed at once; a batch this size still commits in a few milliseconds. */
const INGEST_BATCH = 1000;
/** Batches in flight at once: the SQLite thread merges those that queue behind a commit. */
const SQLITE_IN_FLIGHT = 16;
const POSTGRES_IN_FLIGHT = 2;

export type Ingestor = GroupCommitter<InboundWebhook, IngestOutcome>;

/**
 * The ingest path behind `POST /hooks/<provider>`: webhooks are grouped into batches, each
 * admitted (signature, shape) and committed at once, and each caller's promise settles only
 * after its batch is durable.
 */
export function createIngestor(storage: RelayStorage, secrets: WebhookSecrets, bus?: EventBus, options: AdmitOptions = {}): Ingestor {
  // Once committed, the batch's new events go to the live streams; duplicates were streamed the first time.
  const ingest = async (events: readonly NewEvent[]) => {
    const results = await storage.ingest(events);
    if (bus && bus.listeners > 0) {
      bus.publish(events.flatMap((e, i) => (results[i]?.duplicate === false ? [{ ...e, source: e.source ?? DEFAULT_SOURCE, test: false }] : [])));
    }
    return results;
  };
  const flush = (batch: InboundWebhook[]): Promise<IngestOutcome[]> => ingestInbound(batch, secrets, ingest, options);
  // On PostgreSQL each batch is a statement and a round trip: two at a time let the
  // next batch fill while one commits (13-16 events per statement here instead of ~10),
  // which costs the relay and the server less per event.
  const maxInFlight = storage.kind === 'postgres' ? POSTGRES_IN_FLIGHT : SQLITE_IN_FLIGHT;
  return new GroupCommitter<InboundWebhook, IngestOutcome>({ maxBatch: INGEST_BATCH, maxInFlight, flush });
}
