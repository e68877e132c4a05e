import type { ProviderId } from '@callbridge/core';
import { admissionHeaders, type InboundWebhook } from '../ingest/admit';

/**
 * A batch of inbound webhooks as one message to the SQLite thread: every body copied into
 * one ArrayBuffer that is transferred, not cloned, and per webhook only the provider, the
 * receipt time and the values of the headers admission reads. (Cloning each request's
 * Buffer would copy the whole socket chunk it is a view of.)
 */
export interface PackedInbound {
  bodies: ArrayBuffer;
  /** Per webhook: provider, receivedAt, body length, then admissionHeaders(provider) values (null when absent). */
  meta: Array<Array<string | number | null>>;
}

export function packInbound(batch: readonly InboundWebhook[]): PackedInbound {
  let total = 0;
  for (const w of batch) total += w.body.byteLength;
  const bytes = new Uint8Array(total);
  const meta: PackedInbound['meta'] = new Array(batch.length);
  let at = 0;
  for (let i = 0; i < batch.length; i++) {
    const w = batch[i] as InboundWebhook;
    bytes.set(w.body, at);
    at += w.body.byteLength;
    const row: Array<string | number | null> = [w.provider, w.receivedAt, w.body.byteLength];
    for (const name of admissionHeaders(w.provider)) row.push(w.headers[name] ?? null);
    meta[i] = row;
  }
  return { bodies: bytes.buffer, meta };
}

export function unpackInbound(packed: PackedInbound): InboundWebhook[] {
  const out: InboundWebhook[] = new Array(packed.meta.length);
  let at = 0;
  for (let i = 0; i < packed.meta.length; i++) {
    const row = packed.meta[i] as Array<string | number | null>;
    const provider = row[0] as ProviderId;
    const length = row[2] as number;
    const headers: Record<string, string> = {};
    const names = admissionHeaders(provider);
    for (let h = 0; h < names.length; h++) {
      const value = row[3 + h];
      if (typeof value === 'string') headers[names[h] as string] = value;
    }
    out[i] = { provider, receivedAt: row[1] as number, body: new Uint8Array(packed.bodies, at, length), headers };
    at += length;
  }
  return out;
}
