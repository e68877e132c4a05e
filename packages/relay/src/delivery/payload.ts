import type { ClaimedDelivery } from '../storage/types';

/**
 * The delivery body: `{"id","type","provider","created_at","data"}`, a plain JSON object
 * that Make's custom webhook, n8n's Webhook node and Zapier's catch hook all map without
 * configuration. `data` is stored as JSON text already, so it is spliced in, not re-encoded.
 */
export function deliveryBody(event: ClaimedDelivery['event']): string {
  return (
    `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},` +
    `"provider":${JSON.stringify(event.provider)},"created_at":${JSON.stringify(event.createdAt)},` +
    `"data":${event.data}}`
  );
}
