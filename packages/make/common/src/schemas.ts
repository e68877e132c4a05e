import { z } from 'zod';

/**
 * Make's documented structure of a custom app's code sections, as zod schemas. Written here
 * from Make's Custom Apps documentation (base, connection, webhook, module, RPC and the
 * parameter and interface syntax) and the local project format of Make's Apps Editor for VS
 * Code (`makecomapp.json`). The generator's output types are inferred from these, and every
 * generated file is checked against them before it is written.
 *
 * Deliberately strict: unknown keys fail, so a typo in a directive ("qss") is caught here
 * instead of being ignored by Make.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export const json: z.ZodType<Json> = z.json();

/** A string that holds IML: `{{…}}` somewhere in it. */
export const imlString = z.string().regex(/\{\{.*\}\}/s, { error: 'must contain an IML expression {{…}}' });

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** The error types Make's app runtime knows (Make's app docs and its editor's schema). */
export const ERROR_TYPES = [
  'RuntimeError',
  'DataError',
  'RateLimitError',
  'OutOfSpaceError',
  'ConnectionError',
  'InvalidConfigurationError',
  'InvalidAccessTokenError',
  'IncompleteDataError',
  'DuplicateDataError',
] as const;

/** A flat map of header or query values; Make's universal-module idiom also allows one IML expression. */
const flatMap = z.union([z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json)])), imlString]);

const errorSpec = z.strictObject({
  message: z.string().max(1024),
  type: z.union([z.enum(ERROR_TYPES), imlString]).optional(),
});

const errorType = z.union([z.enum(ERROR_TYPES), imlString]);

/** `response.error`: a default message and type, and per-status overrides keyed "401", "429", … */
export const errorDirective = z.record(z.string(), z.union([z.string().max(1024), errorSpec])).superRefine((value, ctx) => {
  if (typeof value['message'] !== 'string') ctx.addIssue({ code: 'custom', path: ['message'], message: 'is required: the error message' });
  for (const [key, v] of Object.entries(value)) {
    if (key === 'message') continue;
    if (key === 'type') {
      if (!errorType.safeParse(v).success) ctx.addIssue({ code: 'custom', path: [key], message: `must be one of ${ERROR_TYPES.join(', ')}` });
    } else if (!/^[1-5]\d\d$/.test(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'an error override is keyed by an HTTP status code' });
    } else if (typeof v === 'string') {
      ctx.addIssue({ code: 'custom', path: [key], message: 'an error override is an object {message, type}' });
    }
  }
});

const iterate = z.union([z.string().max(512), z.strictObject({ container: z.string().max(512), condition: z.union([z.string(), z.boolean()]).optional() })]);

export const responseDirective = z.strictObject({
  type: z.string().optional(),
  valid: z.union([z.boolean(), z.string()]).optional(),
  limit: z.union([z.number(), z.string()]).optional(),
  error: errorDirective.optional(),
  iterate: iterate.optional(),
  output: json.optional(),
  data: z.record(z.string(), json).optional(),
  metadata: z.strictObject({ value: z.string().max(512), type: z.enum(['text', 'email']) }).optional(),
  uid: z.union([z.string(), z.number()]).optional(),
  wrapper: json.optional(),
  temp: z.record(z.string(), json).optional(),
});

export const logDirective = z.strictObject({ sanitize: z.array(z.string().min(1)) });

export const paginationDirective = z.strictObject({
  mergeWithParent: z.boolean().optional(),
  url: z.string().optional(),
  method: z.enum(HTTP_METHODS).optional(),
  headers: flatMap.optional(),
  qs: flatMap.optional(),
  body: json.optional(),
  condition: z.union([z.boolean(), z.string()]).optional(),
});

/** One request: module, RPC, connection, attach and detach communication. */
export const request = z
  .strictObject({
    url: z.string().min(1).max(512).optional(),
    method: z.union([z.enum(HTTP_METHODS), imlString]).optional(),
    headers: flatMap.optional(),
    qs: flatMap.optional(),
    body: json.optional(),
    type: z.enum(['json', 'urlencoded', 'multipart/form-data', 'text', 'string', 'raw', 'binary']).optional(),
    condition: z.union([z.boolean(), z.string()]).optional(),
    temp: z.record(z.string(), json).optional(),
    log: logDirective.optional(),
    pagination: paginationDirective.optional(),
    response: responseDirective.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a request needs a url' });
    if ((r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') && r.body === undefined) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `a ${r.method} request needs a body (Make sends none otherwise)` });
    }
  });

/** Base: what every module and RPC inherits (base URL, headers, error handling, log sanitizing). */
export const base = z.strictObject({
  baseUrl: z.string().min(1).max(512),
  headers: flatMap.optional(),
  qs: flatMap.optional(),
  response: responseDirective.optional(),
  log: logDirective.optional(),
});

/** A connection's communication: one request or several run in order. */
export const connectionCommunication = z.union([request, z.array(request).min(1)]);

/** A dedicated webhook's communication: how an incoming request becomes a bundle. */
export const webhookCommunication = z.strictObject({
  condition: z.union([z.boolean(), z.string()]).optional(),
  respond: z
    .strictObject({
      type: z.enum(['json', 'urlencoded', 'text']).optional(),
      status: z.union([z.number().int().min(100).max(599), z.string()]).optional(),
      headers: flatMap.optional(),
      body: json.optional(),
    })
    .optional(),
  iterate: iterate.optional(),
  output: json.optional(),
  uid: z.string().optional(),
});

const option = z.strictObject({ label: z.string().min(1).max(256), value: json });

const PARAMETER_TYPES = [
  'any',
  'array',
  'boolean',
  'buffer',
  'cert',
  'collection',
  'color',
  'date',
  'email',
  'filename',
  'folder',
  'file',
  'filter',
  'hidden',
  'json',
  'integer',
  'uinteger',
  'number',
  'password',
  'path',
  'pkey',
  'port',
  'select',
  'text',
  'time',
  'timestamp',
  'timezone',
  'url',
  'uuid',
  'banner',
] as const;

const validate = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  pattern: z.string().optional(),
  minItems: z.number().int().optional(),
  maxItems: z.number().int().optional(),
  enum: z.array(json).optional(),
});

export interface MakeParameter {
  name?: string;
  type: (typeof PARAMETER_TYPES)[number];
  label?: string;
  help?: string;
  required?: boolean;
  advanced?: boolean;
  default?: Json;
  multiple?: boolean;
  multiline?: boolean;
  time?: boolean;
  options?: Array<{ label: string; value: Json }> | string;
  spec?: MakeParameter | MakeParameter[];
  validate?: z.infer<typeof validate>;
}

/** One parameter (input field) or interface entry (output field). */
export const parameter: z.ZodType<MakeParameter> = z.lazy(() =>
  z
    .strictObject({
      name: z.string().min(1).max(128).optional(),
      type: z.enum(PARAMETER_TYPES),
      label: z.string().min(1).max(256).optional(),
      help: z.string().min(1).optional(),
      required: z.boolean().optional(),
      advanced: z.boolean().optional(),
      default: json.optional(),
      multiple: z.boolean().optional(),
      multiline: z.boolean().optional(),
      time: z.boolean().optional(),
      // A static list, or an RPC reference `rpc://<name>`.
      options: z.union([z.array(option), z.string().regex(/^rpc:\/\/[A-Za-z][0-9A-Za-z]+$/)]).optional(),
      spec: z.union([parameter, z.array(parameter)]).optional(),
      validate: validate.optional(),
    })
    .superRefine((p, ctx) => {
      if (p.type === 'select' && p.options === undefined) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select needs options' });
      if (p.type === 'collection' && !Array.isArray(p.spec)) ctx.addIssue({ code: 'custom', path: ['spec'], message: 'a collection needs a spec: a list of parameters' });
    }),
);

/** A list of parameters with unique names: static, mappable, connection, webhook and RPC params, interfaces. */
export const parameters = z.array(parameter).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (p.name === undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'a top-level parameter needs a name' });
    else if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${p.name}" is declared twice` });
    else seen.add(p.name);
  });
});

export const samples = z.record(z.string(), json);

export const groups = z.array(z.strictObject({ label: z.string().min(1), modules: z.array(z.string().min(1)).min(1) }));

/** Component ids, as Make and its VS Code extension accept them. */
export const MODULE_ID = /^[a-zA-Z][0-9a-zA-Z]{2,47}$/;
export const CONNECTION_OR_WEBHOOK_ID = /^[a-zA-Z][0-9a-zA-Z-]{1,33}[0-9a-zA-Z]$/;

const codeFile = z.string().regex(/^[A-Za-z0-9./-]+\.(iml\.json|json|md)$/).nullable();

const componentMeta = z.strictObject({
  label: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
  connectionType: z.enum(['basic', 'oauth']).optional(),
  webhookType: z.enum(['web', 'web-shared']).optional(),
  moduleType: z.enum(['action', 'search', 'trigger', 'instant_trigger', 'responder', 'universal']).optional(),
  actionCrud: z.enum(['create', 'read', 'update', 'delete']).nullable().optional(),
  connection: z.string().nullable().optional(),
  altConnection: z.string().nullable().optional(),
  webhook: z.string().nullable().optional(),
  codeFiles: z.record(z.string(), codeFile),
});

const idMappingItem = z.strictObject({ local: z.string().nullable(), remote: z.string().nullable() });
const COMPONENT_TYPES = ['connection', 'webhook', 'module', 'rpc', 'function', 'endpoint'] as const;

/** `makecomapp.json`, the local project file of Make's Apps Editor for VS Code. */
export const makecomapp = z.strictObject({
  fileVersion: z.literal(1),
  generalCodeFiles: z.strictObject({ base: codeFile, common: codeFile, readme: codeFile, groups: codeFile }),
  components: z.strictObject(Object.fromEntries(COMPONENT_TYPES.map((t) => [t, z.record(z.string(), componentMeta)])) as Record<
    (typeof COMPONENT_TYPES)[number],
    z.ZodRecord<z.ZodString, typeof componentMeta>
  >),
  origins: z.array(
    z.strictObject({
      label: z.string().optional(),
      baseUrl: z.string().regex(/^https:\/\/.+\/api$/),
      appId: z.string().regex(/^[a-z][0-9a-z-]+[0-9a-z]$/),
      appVersion: z.number().int().min(1),
      apikeyFile: z.string().min(1),
      idMapping: z.record(z.enum(COMPONENT_TYPES), z.array(idMappingItem)).optional(),
    }),
  ),
});

export type Request = z.infer<typeof request>;
export type Base = z.infer<typeof base>;
export type WebhookCommunication = z.infer<typeof webhookCommunication>;
export type ComponentMeta = z.infer<typeof componentMeta>;
export type Makecomapp = z.infer<typeof makecomapp>;
export type ComponentType = (typeof COMPONENT_TYPES)[number];
