import { NodeApiError, NodeOperationError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';
import { CallbridgeError, ValidationError } from './core';

/**
 * Core's one error model in n8n's terms: input that failed validation and polls that gave
 * up are NodeOperationErrors (nothing was wrong with the API), provider answers and network
 * failures are NodeApiErrors. Both carry the provider's code and message, and for
 * continue-on-fail the same facts become the item's JSON.
 */

function describe(e: CallbridgeError): string {
  const parts = [`${e.provider} error ${e.code}`];
  if (e.status !== null) parts.push(`HTTP ${e.status}`);
  if (e.requestId) parts.push(`request ${e.requestId}`);
  return parts.join(', ');
}

export function isNodeError(e: unknown): e is NodeApiError | NodeOperationError {
  return e instanceof NodeApiError || e instanceof NodeOperationError;
}

export function toNodeError(node: INode, e: unknown, itemIndex: number): NodeApiError | NodeOperationError {
  if (isNodeError(e)) {
    if (e.context['itemIndex'] === undefined) e.context['itemIndex'] = itemIndex;
    return e;
  }
  if (e instanceof ValidationError) {
    const issues = e.issues.map((i) => `${i.field}: ${i.message}`).join('\n');
    const err = new NodeOperationError(node, e.message, { itemIndex, description: issues });
    err.context['code'] = e.code;
    err.context['issues'] = e.issues.map((i) => ({ field: i.field, message: i.message }));
    return err;
  }
  if (e instanceof CallbridgeError) {
    // Nothing the API answered went wrong: a poll that ran out of time, a result without a recording.
    if (e.kind === 'validation' || e.code === 'poll_timeout') {
      const err = new NodeOperationError(node, e.message, { itemIndex, description: describe(e) });
      err.context['code'] = e.code;
      return err;
    }
    const err = new NodeApiError(node, e.toJSON() as JsonObject, {
      message: e.message,
      description: describe(e),
      itemIndex,
      ...(e.status !== null ? { httpCode: String(e.status) } : {}),
    });
    err.context['code'] = e.code;
    err.context['provider'] = e.provider;
    return err;
  }
  const message = e instanceof Error ? e.message : String(e);
  return new NodeOperationError(node, message, { itemIndex });
}

/** The item a failed input becomes when the node continues on fail. */
export function errorJson(e: unknown): IDataObject {
  if (e instanceof ValidationError) {
    return {
      error: e.message,
      code: e.code,
      provider: e.provider,
      issues: e.issues.map((i) => ({ field: i.field, message: i.message })),
    };
  }
  if (e instanceof CallbridgeError) {
    return {
      error: e.message,
      code: e.code,
      provider: e.provider,
      status: e.status,
      ...(e.requestId ? { requestId: e.requestId } : {}),
      ...(e.details !== null && e.details !== undefined ? { details: e.details as IDataObject } : {}),
    };
  }
  if (isNodeError(e)) {
    return { error: e.message, ...(e.description ? { description: e.description } : {}) };
  }
  return { error: e instanceof Error ? e.message : String(e) };
}
