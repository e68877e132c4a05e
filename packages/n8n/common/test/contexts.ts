import {
  type IBinaryData,
  type ICredentialDataDecryptedObject,
  type ICredentialType,
  type IDataObject,
  type IExecuteFunctions,
  type IHookFunctions,
  type IHttpRequestOptions,
  type ILoadOptionsFunctions,
  type INode,
  type INodeExecutionData,
  type INodeType,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';
import { n8nHttpRequest, n8nHttpRequestWithAuthentication, resolveCredentialExpression, applyAuthentication } from './n8n-http';
import { ParameterResolver, type Parameters } from './parameters';

/**
 * Stand-ins for the contexts n8n hands a node (IExecuteFunctions, IWebhookFunctions,
 * IHookFunctions, ILoadOptionsFunctions), each with only what the nodes use. Their request
 * helpers really perform HTTP (see n8n-http.ts), so tests mock at the HTTP boundary with
 * nock and see exactly the requests a node would send inside n8n.
 */

export interface Credentials {
  /** Credential type instances from the package under test, by their `name`. */
  types: readonly ICredentialType[];
  /** Decrypted credential data, by credential type name. */
  data: Record<string, ICredentialDataDecryptedObject>;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

function nodeOf(type: INodeType): INode {
  const d = type.description;
  return { id: 'node-1', name: d.defaults.name ?? d.displayName, type: `test.${d.name}`, typeVersion: 1, position: [0, 0], parameters: {} };
}

function logger(logs: LogEntry[]) {
  const at = (level: LogEntry['level']) => (message: string) => {
    logs.push({ level, message });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function credentialAccess(node: INode, creds: Credentials) {
  const typeOf = (name: string): ICredentialType => {
    const t = creds.types.find((c) => c.name === name);
    if (!t) throw new Error(`credential type ${name} is not in this package`);
    return t;
  };
  return {
    async getCredentials(name: string): Promise<ICredentialDataDecryptedObject> {
      typeOf(name);
      const data = creds.data[name];
      if (!data) throw new Error(`Node "${node.name}" does not have any credentials of type "${name}" set`);
      return { ...data };
    },
    async httpRequestWithAuthentication(name: string, options: IHttpRequestOptions): Promise<unknown> {
      const data = creds.data[name];
      if (!data) throw new Error(`no credentials of type ${name}`);
      return n8nHttpRequestWithAuthentication(node, typeOf(name), data, options);
    },
  };
}

export interface ExecuteSetup {
  node: INodeType;
  credentials: Credentials;
  /** One parameter set for every item, or one per item. */
  parameters: Parameters | Parameters[];
  items?: INodeExecutionData[];
  continueOnFail?: boolean;
  signal?: AbortSignal;
}

export interface ExecuteHarness {
  ctx: IExecuteFunctions;
  logs: LogEntry[];
}

export function executeContext(setup: ExecuteSetup): ExecuteHarness {
  const node = nodeOf(setup.node);
  const items = setup.items ?? (Array.isArray(setup.parameters) ? setup.parameters.map(() => ({ json: {} })) : [{ json: {} }]);
  const paramsFor = (i: number): Parameters => {
    const p = Array.isArray(setup.parameters) ? setup.parameters[i] : setup.parameters;
    if (!p) throw new Error(`no parameters for item ${i}`);
    return p;
  };
  const logs: LogEntry[] = [];
  const access = credentialAccess(node, setup.credentials);
  const ctx = {
    logger: logger(logs),
    getNode: () => node,
    getInputData: () => items,
    continueOnFail: () => setup.continueOnFail === true,
    getExecutionCancelSignal: () => setup.signal,
    getMode: () => 'manual',
    getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) =>
      new ParameterResolver(setup.node.description.properties, paramsFor(itemIndex)).get(name, fallback),
    getCredentials: access.getCredentials,
    helpers: {
      httpRequest: (options: IHttpRequestOptions) => n8nHttpRequest(options),
      httpRequestWithAuthentication: access.httpRequestWithAuthentication,
      async prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
        return {
          data: data.toString('base64'),
          mimeType: mimeType ?? 'application/octet-stream',
          ...(fileName ? { fileName } : {}),
          fileSize: String(data.length),
        };
      },
    },
  };
  return { ctx: ctx as unknown as IExecuteFunctions, logs };
}

export async function runExecute(setup: ExecuteSetup): Promise<INodeExecutionData[]> {
  const { ctx } = executeContext(setup);
  if (!setup.node.execute) throw new Error(`${setup.node.description.name} has no execute`);
  const out = await setup.node.execute.call(ctx);
  if (!Array.isArray(out) || out.length !== 1) throw new Error('expected one output');
  return out[0] ?? [];
}

export function loadOptionsContext(node: INodeType, credentials: Credentials): ILoadOptionsFunctions {
  const n = nodeOf(node);
  const access = credentialAccess(n, credentials);
  const ctx = {
    logger: logger([]),
    getNode: () => n,
    getCredentials: access.getCredentials,
    helpers: { httpRequestWithAuthentication: access.httpRequestWithAuthentication },
  };
  return ctx as unknown as ILoadOptionsFunctions;
}

export interface TriggerSetup {
  node: INodeType;
  credentials: Credentials;
  parameters: Parameters;
  /** The workflow's static data for this node, shared between hook and webhook calls as in n8n. */
  staticData: IDataObject;
  webhookUrl?: string;
}

export interface HookHarness {
  ctx: IHookFunctions;
  logs: LogEntry[];
}

export function hookContext(setup: TriggerSetup): HookHarness {
  const node = nodeOf(setup.node);
  const logs: LogEntry[] = [];
  const access = credentialAccess(node, setup.credentials);
  const resolver = new ParameterResolver(setup.node.description.properties, setup.parameters);
  const ctx = {
    logger: logger(logs),
    getNode: () => node,
    getMode: () => 'trigger',
    getActivationMode: () => 'activate',
    getWebhookName: () => 'default',
    getNodeWebhookUrl: () => setup.webhookUrl ?? 'https://n8n.example.test/webhook/abc/webhook',
    getWorkflowStaticData: () => setup.staticData,
    getNodeParameter: (name: string, fallback?: unknown) => resolver.get(name, fallback),
    getCredentials: access.getCredentials,
    helpers: { httpRequestWithAuthentication: access.httpRequestWithAuthentication },
  };
  return { ctx: ctx as unknown as IHookFunctions, logs };
}

export type HookMethod = 'checkExists' | 'create' | 'delete';

export async function runHook(setup: TriggerSetup, method: HookMethod): Promise<boolean> {
  const hooks = setup.node.webhookMethods?.['default'];
  const fn = hooks?.[method];
  if (!fn) throw new Error(`${setup.node.description.name} has no webhookMethods.default.${method}`);
  return fn.call(hookContext(setup).ctx);
}

export interface Delivery {
  body: string | Buffer;
  headers: Record<string, string>;
  /** Leave the raw body out, as a server without n8n's raw body reader would. */
  withoutRawBody?: boolean;
}

export interface WebhookOutcome {
  result: IWebhookResponseData;
  /** What the node answered itself (refusals), if it did. */
  response: { status?: number; body?: unknown };
}

export async function deliver(setup: TriggerSetup, delivery: Delivery): Promise<WebhookOutcome> {
  const node = nodeOf(setup.node);
  const access = credentialAccess(node, setup.credentials);
  const resolver = new ParameterResolver(setup.node.description.properties, setup.parameters);
  const raw = Buffer.isBuffer(delivery.body) ? delivery.body : Buffer.from(delivery.body, 'utf8');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(delivery.headers)) headers[k.toLowerCase()] = v;
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    parsed = {};
  }
  const response: WebhookOutcome['response'] = {};
  const ctx = {
    logger: logger([]),
    getNode: () => node,
    getMode: () => 'webhook',
    getWebhookName: () => 'default',
    getNodeWebhookUrl: () => setup.webhookUrl ?? 'https://n8n.example.test/webhook/abc/webhook',
    getWorkflowStaticData: () => setup.staticData,
    getNodeParameter: (name: string, fallback?: unknown) => resolver.get(name, fallback),
    getCredentials: access.getCredentials,
    getHeaderData: () => headers,
    getBodyData: () => parsed,
    getRequestObject: () => ({ headers, body: parsed, ...(delivery.withoutRawBody ? {} : { rawBody: raw }) }),
    getResponseObject: () => ({
      status(code: number) {
        response.status = code;
        return {
          json(body: unknown) {
            response.body = body;
          },
        };
      },
    }),
    helpers: { httpRequestWithAuthentication: access.httpRequestWithAuthentication },
  };
  if (!setup.node.webhook) throw new Error(`${setup.node.description.name} has no webhook method`);
  const result = await setup.node.webhook.call(ctx as unknown as IWebhookFunctions);
  return { result, response };
}

/** Runs a credential's `test` request as n8n's credential test does, returning the HTTP status. */
export async function runCredentialTest(type: ICredentialType, data: ICredentialDataDecryptedObject): Promise<number> {
  const req = type.test?.request;
  if (!req) throw new Error(`${type.name} has no test request`);
  const options: IHttpRequestOptions = {
    url: String(resolveCredentialExpression(req.url ?? '', data)),
    method: req.method ?? 'GET',
    ...(req.baseURL ? { baseURL: String(resolveCredentialExpression(req.baseURL, data)) } : {}),
    ...(req.qs ? { qs: req.qs } : {}),
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
  };
  const res = (await n8nHttpRequest(await applyAuthentication(type, data, options))) as { statusCode: number };
  return res.statusCode;
}
