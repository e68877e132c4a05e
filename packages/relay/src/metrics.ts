import type { StorageStats } from './storage/types';

/**
 * Prometheus text exposition, written by hand: a handful of counters and histograms does
 * not need a client library, and keeping it here keeps the hot path free of one.
 */
type Labels = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Counter {
  readonly #values = new Map<string, { labels: string[]; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const values = this.labelNames.map((n) => labels[n] ?? '');
    const key = values.join('\u0000');
    const entry = this.#values.get(key);
    if (entry) entry.value += by;
    else this.#values.set(key, { labels: values, value: by });
  }

  get(labels: Labels = {}): number {
    return this.#values.get(this.labelNames.map((n) => labels[n] ?? '').join('\u0000'))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#values.values()) lines.push(`${this.name}${labelText(this.labelNames, labels)} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.#counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.#sum += value;
    this.#count += 1;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] as number)) this.#counts[i] = (this.#counts[i] as number) + 1;
    }
  }

  get count(): number {
    return this.#count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.#counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`${this.name}_sum ${this.#sum}`);
    lines.push(`${this.name}_count ${this.#count}`);
    return lines.join('\n');
  }
}

function gauge(name: string, help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}`;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600];

export class RelayMetrics {
  readonly eventsReceived = new Counter('relay_events_received_total', 'Webhook events stored, by provider and type.', ['provider', 'type']);
  readonly duplicates = new Counter('relay_events_duplicate_total', 'Webhook events received again and not stored twice.', ['provider']);
  readonly rejected = new Counter('relay_webhooks_rejected_total', 'Inbound webhooks refused, by provider and reason.', ['provider', 'reason']);
  readonly deliveries = new Counter('relay_deliveries_total', 'Delivery attempts, by outcome (success, retry, dead, gone).', ['outcome']);
  readonly deliveryLatency = new Histogram(
    'relay_delivery_latency_seconds',
    'From the provider webhook reaching the relay to the receiver accepting the delivery.',
    LATENCY_BUCKETS,
  );
  readonly attemptDuration = new Histogram(
    'relay_delivery_attempt_duration_seconds',
    'Duration of one delivery HTTP request.',
    LATENCY_BUCKETS.slice(0, 11),
  );
  readonly filtered = new Counter(
    'relay_events_filtered_total',
    'Deliveries not made because a subscription filter did not match the event, by provider and type.',
    ['provider', 'type'],
  );
  readonly subscriptionsDisabled = new Counter(
    'relay_subscriptions_disabled_total',
    'Subscriptions the relay disabled, by reason (gone: the receiver answered 410; failing: every delivery failed for RELAY_DISABLE_AFTER).',
    ['reason'],
  );
  readonly pruned = new Counter('relay_pruned_total', 'Rows deleted by retention, by table.', ['table']);
  readonly actions = new Counter('relay_actions_total', 'Actions run, by provider, operation and HTTP status answered.', ['provider', 'operation', 'status']);

  /** `stats` null: storage could not be read; `storageUp`: whether the last write succeeded. */
  render(stats: StorageStats | null, extra: { inFlight: number; storageUp: boolean }): string {
    const parts = [
      this.eventsReceived.render(),
      this.duplicates.render(),
      this.rejected.render(),
      this.deliveries.render(),
      this.deliveryLatency.render(),
      this.attemptDuration.render(),
      this.actions.render(),
      this.filtered.render(),
      this.subscriptionsDisabled.render(),
      this.pruned.render(),
      gauge('relay_deliveries_in_flight', 'Deliveries being sent right now.', extra.inFlight),
    ];
    if (stats) {
      parts.push(gauge('relay_queue_depth', 'Deliveries pending (due now or waiting for a retry).', stats.pending));
      parts.push(gauge('relay_dead_deliveries', 'Deliveries that used every attempt and wait for a replay.', stats.dead));
    }
    const up = stats !== null && extra.storageUp ? 1 : 0;
    parts.push(gauge('relay_storage_up', 'Whether storage can be written (the last write succeeded) and read (this scrape).', up));
    return `${parts.join('\n')}\n`;
  }
}
