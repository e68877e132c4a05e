import type { z } from 'zod';
import type { Field } from './fields';

export type ProviderId = 'ayra' | 'vyora' | 'aila' | 'ayla';
export const PROVIDER_IDS: readonly ProviderId[] = ['ayra', 'vyora', 'aila', 'ayla'];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type FieldMap = Record<string, Field>;

/** The input an operation accepts, before validation (what a caller writes). */
export type InputOf<F extends FieldMap> = z.input<z.ZodObject<{ [K in keyof F]: F[K]['schema'] }>>;
/** The input after validation and defaults. */
export type ParsedInputOf<F extends FieldMap> = z.output<z.ZodObject<{ [K in keyof F]: F[K]['schema'] }>>;

/** Where a list response keeps its items, and whether the operation pages. */
export interface ListSpec {
  /** Dotted path to the array of items in the response body, e.g. `data` or `agents`. */
  itemsPath: string;
}

/** A composite operation that polls another until a condition holds (Vyora's wait for analysis). */
export interface PollSpec {
  operation: string;
  /** Dotted path and the value it must have, all of them, for the poll to end. */
  until: ReadonlyArray<{ path: string; equals?: string | number | boolean; notNull?: true }>;
  /** Field names of the composite's input that configure the poll, not sent to the provider. */
  intervalField: string;
  timeoutField: string;
  defaultIntervalMs: number;
  defaultTimeoutMs: number;
}

/** How an operation appears on each platform. Absent means "as its kind suggests". */
export interface SurfaceHints {
  /** Zapier: `create` for writes, `search` for lookups, `none` to leave it out. */
  zapier?: 'create' | 'search' | 'none';
  /** n8n: false leaves the operation out of the action node. */
  n8n?: boolean;
  /**
   * Make: `search` for lists (one bundle per item), `action` for everything else, `none` to
   * leave it out (a polling composite: Make's IML can neither loop nor wait).
   */
  make?: 'action' | 'search' | 'none';
}

export interface OperationSpec<F extends FieldMap = FieldMap> {
  /** `<resource>.<action>`, e.g. `calls.trigger`. */
  name: string;
  resource: string;
  action: string;
  /** Short, imperative: "Trigger a call". */
  summary: string;
  description: string;
  method: HttpMethod;
  /** Path below the provider's base URL, with `{field}` placeholders filled from path fields. */
  path: string;
  fields: F;
  /** The built zod object for `fields`, strict unless `passthrough`. */
  input: z.ZodType<ParsedInputOf<F>, InputOf<F>>;
  /** The documents show only part of this operation's fields: unknown body fields are forwarded. */
  passthrough: boolean;
  /** A creating request: carries an `Idempotency-Key`, and so may be retried on 5xx. */
  idempotent: boolean;
  /** Present on list operations: the engine pages through them. */
  list?: ListSpec;
  /** Present on composite polling operations: the engine runs `poll.operation` until done. */
  poll?: PollSpec;
  /** How the request body is sent. */
  bodyType: 'json' | 'multipart';
  /** `binary` for downloads (recordings): the result is bytes, not JSON. */
  responseType: 'json' | 'binary';
  /** An example response, in the document's own words, for samples and sandbox fixtures. */
  sample?: unknown;
  surfaces: SurfaceHints;
}

export type PaginationSpec =
  | {
      style: 'page';
      pageParam: string;
      sizeParam: string;
      defaultSize: number;
      maxSize: number;
      /** Dotted path to the total page count, e.g. `meta.total_pages`. */
      totalPagesPath?: string;
      /** Dotted path to the total item count, e.g. `meta.total`. */
      totalPath?: string;
      /** Dotted path to the next page's URL; null or absent means the last page. */
      nextLinkPath?: string;
    }
  | {
      style: 'offset';
      limitParam: string;
      offsetParam: string;
      defaultSize: number;
      maxSize: number;
      /** Dotted path to the total item count where the provider sends one. */
      totalPath?: string;
      /** A page shorter than the requested limit is the last (Aila's documented stop). */
      stopOnShortPage: boolean;
    }
  | {
      style: 'cursor';
      cursorParam: string;
      sizeParam: string;
      defaultSize: number;
      maxSize: number;
      /** Dotted path to the cursor of the next page; null or absent means the last page. */
      nextCursorPath: string;
    }
  | { style: 'none' };

export type AuthSpec =
  | { type: 'bearer' }
  | { type: 'header'; header: string };

export interface KeyModes {
  test: string;
  live: string;
}

export interface RateLimitSpec {
  /** The documented plan default the client-side limiter keeps under. */
  requests: number;
  perMs: number;
  /** Response headers the provider documents. */
  limitHeader?: string;
  remainingHeader?: string;
  resetHeader?: string;
}

/** An HMAC signature header: `<prefix><encoding of HMAC(secret, raw body)>`. */
export interface HmacSignatureScheme {
  type: 'hmac';
  algorithm: 'sha256' | 'sha1' | 'sha512';
  header: string;
  prefix: string;
  encoding: 'hex' | 'base64';
}

/**
 * A condition on a provider's events that a relay subscription can carry (its `filter`),
 * offered by the platforms' relay triggers as a plain field, so a workflow runs, and a Zap
 * is billed, only for the events it cares about.
 */
export interface WebhookFilterField {
  /** The field's key on every platform: `classifications`, `min_duration_seconds`. */
  name: string;
  label: string;
  help: string;
  /** The body property it tests, e.g. `analysis.classification` (`data.…` in a relay delivery). */
  path: string;
  /** `oneOf`: the value is one of the chosen strings; `atLeast`: a number at least the chosen one. */
  test: 'oneOf' | 'atLeast';
  /** The events whose bodies carry the property; other events never match a filter on it. */
  events: readonly string[];
  example: readonly string[] | number;
}

export interface WebhookSpec {
  signature: HmacSignatureScheme;
  /** Header naming the event, where the provider sends one. */
  eventHeader?: string;
  /** Body property naming the event, where the provider puts it there. */
  eventField?: string;
  /** Documented event names; `open` means others may arrive and are accepted. */
  events: readonly string[];
  open: boolean;
  /** Body property holding the provider's own event id, if any. */
  idField?: string;
  /** Body properties whose values, with the event name, identify one provider event. */
  dedupeFields?: readonly string[];
  /** Body property holding when the event happened. */
  timestampField?: string;
  /** Body property holding the event's data, where the provider wraps it. */
  dataField?: string;
  /** The webhook signing secret is documented, or our assumption (docs/provider-notes.md). */
  documented: boolean;
  /**
   * An example body of each documented event, as the provider posts it: the documents' own
   * example where they give one. Test deliveries and samples for no-code tools come from here.
   */
  samples?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Conditions the relay triggers offer on these events (see WebhookFilterField). */
  filters?: readonly WebhookFilterField[];
}

export interface ProviderSpec<Ops extends Record<string, OperationSpec> = Record<string, OperationSpec>> {
  id: ProviderId;
  /** Display name: "Vyora". */
  name: string;
  description: string;
  baseUrl: string;
  docsUrl: string;
  auth: AuthSpec;
  /** API key prefixes that tell test from live mode (Ayla). */
  keyModes?: KeyModes;
  /** Where the user finds the key, for credential help text. */
  keyHelp: string;
  pagination: PaginationSpec;
  rateLimit: RateLimitSpec;
  /** Successful bodies wrapped as `{success, data, meta}`: single-object results return `data`. */
  envelope?: { dataPath: string };
  webhooks?: WebhookSpec;
  /** A cheap authenticated read used to test credentials. */
  testOperation: string;
  operations: Ops;
}
