import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { answer } from './schemas/common';
import { DeliveryBody } from './schemas/events';

/**
 * `/openapi.json` and the browsable reference at `/docs`, both generated from the routes'
 * own zod schemas (@fastify/swagger reads every route registered after it), so the
 * document cannot drift from what the relay validates and answers. Both are open, like
 * `/healthz`: the document holds no secret. The reference's assets are served from the
 * relay itself (no CDN), under a content security policy that allows only them.
 */

/** What receivers get. Its id puts it in the components, where `webhooks.delivery` refers to it. */
export const DocumentedDeliveryBody = DeliveryBody.meta({ id: 'DeliveryBody' });

type Json = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';

/** Every `$ref` to a component under `node`. */
function refsIn(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) refsIn(item, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF)) into.add(value.slice(SCHEMA_REF.length));
      else refsIn(value, into);
    }
  }
}

/**
 * The type provider adds every schema registered with an id to the components, in an input
 * and an output form: keep only those the document refers to.
 */
function keepReferencedComponents(doc: Json): Json {
  const components = (doc['components'] ?? {}) as Json;
  const schemas = (components['schemas'] ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  refsIn({ ...doc, components: { ...components, schemas: {} } }, used);
  const queue = [...used];
  while (queue.length) {
    const found = new Set<string>();
    refsIn(schemas[queue.pop() as string], found);
    for (const name of found) {
      if (!used.has(name)) {
        used.add(name);
        queue.push(name);
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...doc, components: { ...components, schemas: kept } };
}

/**
 * How zod schemas read in the document. Answers are plain `z.object`s, which drop unknown
 * keys on the way out; zod writes that as `additionalProperties: false`, which would tell
 * generated clients to reject a field added later. Strict request bodies keep theirs. An
 * empty answer (`z.undefined()`, a 204) has no content. Unions lose members zod cannot
 * describe rather than showing them as "anything".
 */
const zodToJsonConfig = {
  override: (ctx: { zodSchema: z.core.$ZodType; jsonSchema: z.core.JSONSchema.BaseSchema }): void => {
    const def = ctx.zodSchema._zod.def as unknown as { type: string; catchall?: unknown };
    if (def.type === 'object' && def.catchall === undefined) delete ctx.jsonSchema.additionalProperties;
    if (def.type === 'undefined') ctx.jsonSchema.type = 'null';
    if (def.type === 'union' && ctx.jsonSchema.anyOf) ctx.jsonSchema.anyOf = ctx.jsonSchema.anyOf.filter((member) => Object.keys(member).length > 0);
  },
};

/** Marks a route's body optional in the document when the route takes no body as empty. */
export const OPTIONAL_BODY = 'callbridgeOptionalBody';

const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export function registerApiDocs(app: FastifyInstance): void {
  const optionalBodies = new Set<string>();
  const zodTransform = createJsonSchemaTransform({ skipList: [], zodToJsonConfig });
  const zodTransformObject = createJsonSchemaTransformObject({ zodToJsonConfig });

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'callbridge relay',
        version: '0.1.0',
        description:
          'Receives provider webhooks, stores them durably, and delivers them signed (Standard Webhooks) to every subscribed URL; runs provider actions with the relay credentials.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'RELAY_API_TOKEN' } } },
      webhooks: {
        delivery: {
          post: {
            summary: 'A delivery to a subscription target_url',
            description:
              'Headers: webhook-id (the event id, the same on every attempt), webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256> with the subscription secret), plus the subscription headers. Answer 2xx to accept, 410 to unsubscribe; anything else is retried.',
            requestBody: { content: { 'application/json': { schema: { $ref: `${SCHEMA_REF}DeliveryBody` } } } },
            responses: { '200': { description: 'Accepted.' }, '410': { description: 'Gone: the subscription is disabled.' } },
          },
        },
      },
    },
    transform: (input) => {
      const route = input.route;
      const body = input.schema?.body;
      const config = (route.config ?? {}) as Record<string, unknown>;
      if (config[OPTIONAL_BODY] === true || (body instanceof z.core.$ZodType && z.safeParse(body, undefined).success)) {
        for (const method of [route.method].flat()) optionalBodies.add(`${method.toLowerCase()} ${input.url}`);
      }
      return zodTransform(input);
    },
    transformObject: (input) => {
      const doc = zodTransformObject(input) as Json;
      const paths = (doc['paths'] ?? {}) as Record<string, Record<string, Json>>;
      for (const [url, methods] of Object.entries(paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          const requestBody = operation['requestBody'] as Json | undefined;
          // Paths are written {param} in the document, :param in fastify.
          const key = `${method} ${url.replace(/\{(\w+)\}/g, ':$1')}`;
          if (requestBody && optionalBodies.has(key)) requestBody['required'] = false;
        }
      }
      return keepReferencedComponents(doc);
    },
  });

  void app.register(swaggerUi, {
    routePrefix: '/docs',
    theme: { title: 'callbridge relay API' },
    uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
    // Only the relay's own assets (the page inlines a few styles); nothing from elsewhere.
    staticCSP: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'self'",
  });

  void app.register(async (root) => {
    root.get(
      '/openapi.json',
      {
        schema: {
          tags: ['operations'],
          summary: 'This document',
          response: { 200: answer('OpenAPI 3.1, generated from the schemas the relay validates with.', OpenApiDocument) },
        },
      },
      async () => root.swagger(),
    );
  });
}
