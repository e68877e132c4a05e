import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * The incoming delivery as the verifiers need it: the exact bytes received (signatures
 * are over the raw body, never over re-serialized JSON) and the headers.
 */

export type Headers = Record<string, string | string[] | undefined>;

export interface Delivery {
  /** Undefined when n8n kept no raw body: such a delivery cannot be verified and is refused. */
  rawBody: Uint8Array | undefined;
  headers: Headers;
}

interface RequestLike {
  rawBody?: unknown;
  readRawBody?: () => Promise<void>;
}

interface ResponseLike {
  status(code: number): { json(body: unknown): unknown };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

export async function readDelivery(ctx: IWebhookFunctions): Promise<Delivery> {
  const req: unknown = ctx.getRequestObject();
  const headers = ctx.getHeaderData() as Headers;
  if (!isObject(req)) return { rawBody: undefined, headers };
  const request = req as RequestLike;
  // n8n reads the body lazily; ask for it if no parser has yet.
  if (!(request.rawBody instanceof Uint8Array) && typeof request.readRawBody === 'function') await request.readRawBody();
  return { rawBody: request.rawBody instanceof Uint8Array ? request.rawBody : undefined, headers };
}

/** Answers the sender directly and starts no execution. */
export function refuse(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
  const res = ctx.getResponseObject() as unknown as ResponseLike;
  res.status(status).json(body);
  return { noWebhookResponse: true };
}

/** A 200 that acknowledges a delivery the workflow does not want (an unselected event). */
export function ignore(type: string): IWebhookResponseData {
  return { webhookResponse: { received: true, ignored: type } };
}
