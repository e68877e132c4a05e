export { generateApp, makeOperations, moduleLabel, jsonFile, type GeneratedApp } from './project';
export { driftOf, isUpToDate, writeApp, NOT_GENERATED, type Drift } from './files';
export { CONNECTION_ID, UNIVERSAL_MODULE, moduleName, rpcName, triggerName, webhookId } from './names';
export { MAX_RESULTS, IDEMPOTENCY_KEY } from './modules';
export { PROOF_HEADER, WEBHOOK_PARAMETERS, deliverySample, triggerEvents } from './triggers';
export { authHeader } from './base';
export * as makeSchemas from './schemas';
export type { Json, Makecomapp, MakeParameter, Request, ComponentType } from './schemas';
