import { defineCreate, defineSearch, type Bundle, type Create, type PlainInputField, type Search, type ZObject } from 'zapier-platform-core';
import { clientFor } from './client';
import { CallbridgeError, getPath, sampleItems, sampleOutput, type OperationSpec, type ProviderSpec } from './core';
import { zapierErrors } from './errors';
import { coreInput } from './input-data';
import { inputFieldsFor } from './input-fields';
import { nounOf, operationKey, snakeKey, titleCase, words } from './names';
import { asItem, isItem, outputFieldsFrom, withId, type Item } from './output';
import { addressField, createLabel, createOperations, fieldRefs, searchLabel, searchOperations, waitingOperationFor } from './plan';

/**
 * Creates and searches, one per core operation Zapier shows: keys from core's names, input
 * fields from core's field metadata, samples from core's samples, and one perform that
 * validates through core, calls through `z.request` and maps errors for Zapier.
 */

/** Zapier stops a step after 30 s; a wait inside a search must end well before that. */
export const MAX_WAIT_SECONDS = 25;
const DEFAULT_WAIT_SECONDS = 20;

function descriptionOf(op: OperationSpec): string {
  return op.description.slice(0, 1000);
}

/** What a sample of an operation's result looks like to Zapier: one item, with an id. */
export function sampleItem(spec: ProviderSpec, op: OperationSpec): Item {
  if (op.list) {
    const first = sampleItems(op)[0];
    if (isItem(first)) return withId(first);
  }
  return asItem(sampleOutput(spec, op), `${operationKey(op.name)}_sample`);
}

function itemsOf(op: OperationSpec, result: unknown): Item[] {
  const raw = op.list ? getPath(result, op.list.itemsPath) : result;
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.filter(isItem).map(withId);
}

function truthy(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['true', 'yes', '1', 'on'].includes(v.trim().toLowerCase()));
}

function isNotFound(e: unknown): boolean {
  return e instanceof CallbridgeError && e.status === 404;
}

/** The switch and the timeout a search gets when core has a waiting composite for it. */
function waitFields(wait: OperationSpec): PlainInputField[] {
  const poll = wait.poll as NonNullable<OperationSpec['poll']>;
  const timeout = wait.fields[poll.timeoutField]?.meta;
  return [
    {
      key: snakeKey(wait.action),
      label: titleCase(words(wait.action).join(' ')),
      type: 'boolean',
      required: false,
      helpText: `${wait.description} Zapier gives a step 30 seconds, so the wait ends after at most ${MAX_WAIT_SECONDS} seconds.`,
    },
    {
      key: poll.timeoutField,
      label: titleCase(timeout?.label ?? 'Timeout (Seconds)'),
      type: 'number',
      required: false,
      helpText: `How long to wait, in seconds, up to ${MAX_WAIT_SECONDS}. Default: ${DEFAULT_WAIT_SECONDS}.`,
    },
  ];
}

/** The waiting composite's input, its timeout held inside Zapier's budget. */
export function waitInput(spec: ProviderSpec, bundle: Bundle, wait: OperationSpec): Record<string, unknown> {
  const poll = wait.poll as NonNullable<OperationSpec['poll']>;
  const input = coreInput(spec.id, wait, bundle.inputData);
  const asked = input[poll.timeoutField];
  const seconds = asked === undefined ? DEFAULT_WAIT_SECONDS : Number(asked);
  // A value that is not a number is left for core to reject by name.
  input[poll.timeoutField] = Number.isFinite(seconds) ? Math.min(seconds, MAX_WAIT_SECONDS) : asked;
  return input;
}

export function buildSearch(spec: ProviderSpec, op: OperationSpec): Search {
  const wait = waitingOperationFor(spec, op);
  const waitKey = wait ? snakeKey(wait.action) : undefined;
  const sample = sampleItem(spec, op);
  const perform = (z: ZObject, bundle: Bundle): Promise<Item[]> => {
    const waiting = wait !== undefined && waitKey !== undefined && truthy(bundle.inputData?.[waitKey]);
    const target = waiting ? wait : op;
    return zapierErrors(z, spec, target, async () => {
      const input = waiting ? waitInput(spec, bundle, target) : coreInput(spec.id, op, bundle.inputData);
      try {
        return itemsOf(op, await clientFor(spec, z, bundle).call(target.name, input));
      } catch (e) {
        // A search that finds nothing returns no results, so "find or create" can go on to create.
        if (isNotFound(e)) return [];
        throw e;
      }
    });
  };
  return defineSearch({
    key: operationKey(op.name),
    noun: nounOf(op.resource),
    display: { label: searchLabel(spec, op), description: descriptionOf(op) },
    operation: {
      inputFields: [...inputFieldsFor(op, fieldRefs(spec)), ...(wait ? waitFields(wait) : [])],
      perform,
      sample,
      outputFields: outputFieldsFrom(sample),
    },
  });
}

export function buildCreate(spec: ProviderSpec, op: OperationSpec): Create {
  const sample = sampleItem(spec, op);
  const address = addressField(op);
  const perform = (z: ZObject, bundle: Bundle): Promise<Item> =>
    zapierErrors(z, spec, op, async () => {
      const input = coreInput(spec.id, op, bundle.inputData);
      const result = await clientFor(spec, z, bundle).call(op.name, input);
      const addressed = address !== undefined ? input[address] : undefined;
      return asItem(result, typeof addressed === 'string' ? addressed : undefined);
    });
  return defineCreate({
    key: operationKey(op.name),
    noun: nounOf(op.resource),
    display: { label: createLabel(op), description: descriptionOf(op) },
    operation: {
      inputFields: inputFieldsFor(op, fieldRefs(spec)),
      perform,
      sample,
      outputFields: outputFieldsFrom(sample),
    },
  });
}

export function buildSearches(spec: ProviderSpec): Record<string, Search> {
  return Object.fromEntries(searchOperations(spec).map((op) => [operationKey(op.name), buildSearch(spec, op)]));
}

export function buildCreates(spec: ProviderSpec): Record<string, Create> {
  return Object.fromEntries(createOperations(spec).map((op) => [operationKey(op.name), buildCreate(spec, op)]));
}
