import type { ClaimedDelivery } from '../storage/types';

/**
 * The delivery body: `{"id","type","provider","source","created_at","data"}` (plus
 * `"test":true` for a subscription's test delivery), a plain JSON object that Make's custom
 * webhook, n8n's Webhook node and Zapier's catch hook all map without configuration. `data`
 * is stored as JSON text already, so it is spliced in, not re-encoded. Filters, the live
 * stream and `callbridge listen` see exactly this object.
 */
export type DeliveryEvent = Pick<ClaimedDelivery['event'], 'id' | 'type' | 'provider' | 'source' | 'createdAt' | 'data' | 'test'>;

export function deliveryBody(event: DeliveryEvent): string {
  return (
    `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},` +
    `"provider":${JSON.stringify(event.provider)},"source":${JSON.stringify(event.source)},` +
    `"created_at":${JSON.stringify(event.createdAt)},${event.test ? '"test":true,' : ''}"data":${event.data}}`
  );
}
