import {
  NodeOperationError,
  type IBinaryKeyData,
  type IDataObject,
  type IExecuteFunctions,
  type IHttpRequestOptions,
  type INodeExecutionData,
} from 'n8n-workflow';
import { ValidationError, type OperationSpec, type ProviderClient, type ProviderSpec } from './core';
import { baseUrlFrom, n8nClient } from './client';
import { errorJson, toNodeError } from './errors';
import { readOperationCall, type RawParameter } from './input';
import { layoutOperation, nodeOperations, type LayoutOptions, type OperationLayout } from './layout';
import { downloadRecording, type RecordingHelpers } from './recording';

/**
 * The action node's execute: for each input item, the selected core operation with the
 * item's parameters. Items fail one by one: with Continue On Fail an item's error becomes
 * its output (paired to it) and the others still run.
 */

export interface ActionConfig {
  spec: ProviderSpec;
  credentialType: string;
  layout?: LayoutOptions;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function toJson(value: unknown): IDataObject {
  if (isRecord(value)) return value as IDataObject;
  if (value === null || value === undefined || value === '') return { success: true };
  return { value: value as IDataObject[keyof IDataObject] };
}

function resultItems(result: unknown, itemIndex: number): INodeExecutionData[] {
  const values = Array.isArray(result) ? result : [result];
  return values.map((v) => ({ json: toJson(v), pairedItem: { item: itemIndex } }));
}

function limitOf(spec: ProviderSpec, op: OperationSpec, raw: unknown): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ValidationError(spec.id, op.name, [{ field: 'limit', message: 'must be a whole number of at least 1' }]);
  }
  return n;
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Plain requests for recordings hosted off the provider's origin: no credential is attached. */
function recordingHelpers(ctx: IExecuteFunctions, credentialType: string): RecordingHelpers {
  return {
    authenticated: (options: IHttpRequestOptions) => ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options),
    anonymous: (options: IHttpRequestOptions) => ctx.helpers.httpRequest(options),
  };
}

async function runItem(
  ctx: IExecuteFunctions,
  config: ActionConfig,
  client: ProviderClient,
  baseUrl: string,
  layout: OperationLayout,
  itemIndex: number,
  signal: AbortSignal | undefined,
): Promise<INodeExecutionData[]> {
  const { spec } = config;
  const param: RawParameter = (name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback);
  const { operation, input } = readOperationCall(spec, layout, param);

  if (layout.paged) {
    const returnAll = param('returnAll', false) === true;
    const limit = returnAll ? undefined : limitOf(spec, operation, param('limit', 50));
    const out: INodeExecutionData[] = [];
    const items = client.list(operation.name, input, { ...(limit !== undefined ? { limit } : {}), ...(signal ? { signal } : {}) });
    for await (const item of items) out.push({ json: toJson(item), pairedItem: { item: itemIndex } });
    return out;
  }

  const result = await client.call(operation.name, input, signal ? { signal } : {});

  if (operation.responseType === 'binary' && result instanceof Uint8Array) {
    const binary = await ctx.helpers.prepareBinaryData(toBuffer(result), operation.name);
    return [{ json: { operation: operation.name }, binary: { data: binary }, pairedItem: { item: itemIndex } }];
  }

  if (layout.recordingField && param('downloadRecording', false) === true) {
    const property = String(param('binaryPropertyName', 'data')).trim() || 'data';
    const recording = await downloadRecording(
      spec,
      operation.name,
      result,
      layout.recordingField,
      baseUrl,
      recordingHelpers(ctx, config.credentialType),
      signal,
    );
    const binary: IBinaryKeyData = {
      [property]: await ctx.helpers.prepareBinaryData(toBuffer(recording.data), recording.fileName, recording.mimeType),
    };
    return [{ json: toJson(result), binary, pairedItem: { item: itemIndex } }];
  }

  return resultItems(result, itemIndex);
}

export async function executeAction(ctx: IExecuteFunctions, config: ActionConfig): Promise<INodeExecutionData[][]> {
  const { spec } = config;
  const items = ctx.getInputData();
  const credentials = (await ctx.getCredentials(config.credentialType)) as Record<string, unknown>;
  // One client for the whole run, so its rate limiter paces every item together.
  const client: ProviderClient = n8nClient(ctx, spec, config.credentialType, credentials);
  const baseUrl = baseUrlFrom(spec, credentials);
  const layouts = new Map(nodeOperations(spec).map((op) => [op.name, layoutOperation(spec, op, config.layout)]));
  const signal = ctx.getExecutionCancelSignal();
  const out: INodeExecutionData[] = [];

  for (let i = 0; i < items.length; i++) {
    try {
      const resource = String(ctx.getNodeParameter('resource', i));
      const action = String(ctx.getNodeParameter('operation', i));
      const layout = layouts.get(`${resource}.${action}`);
      if (!layout) {
        const known = [...layouts.keys()].join(', ');
        throw new NodeOperationError(ctx.getNode(), `"${resource}.${action}" is not a ${spec.name} operation; known: ${known}`, {
          itemIndex: i,
        });
      }
      out.push(...(await runItem(ctx, config, client, baseUrl, layout, i, signal)));
    } catch (e) {
      if (ctx.continueOnFail()) {
        out.push({ json: errorJson(e), pairedItem: { item: i } });
        continue;
      }
      throw toNodeError(ctx.getNode(), e, i);
    }
  }
  return [out];
}
