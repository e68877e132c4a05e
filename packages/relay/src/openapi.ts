import { providers, type OperationSpec, type ProviderSpec } from '@callbridge/core';

/**
 * The OpenAPI 3.1 document of every route, so Make's HTTP module, Postman or a generated
 * client can be pointed at `/openapi.json`. Action request bodies are core's own input
 * schemas converted to JSON Schema: an operation added to core appears here unchanged.
 */
type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });
const errorResponse = (description: string): Json => ({ description, content: json(ref('Error')) });

const pathId = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'query', required: false, description, schema });

const AUTH_ERRORS = {
  '401': errorResponse('Missing or invalid bearer token.'),
  '429': errorResponse('Rate limited; see Retry-After.'),
};

function inputSchema(op: OperationSpec): Json {
  try {
    const schema = op.input.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as unknown as Json;
    return Object.fromEntries(Object.entries(schema).filter(([k]) => !k.startsWith('~') && k !== '$schema'));
  } catch {
    return { type: 'object' };
  }
}

function actionPaths(): Json {
  const out: Json = {};
  for (const spec of Object.values(providers as Partial<Record<string, ProviderSpec>>)) {
    if (!spec) continue;
    for (const op of Object.values(spec.operations)) {
      out[`/v1/actions/${spec.id}/${op.name}`] = {
        post: {
          tags: ['actions'],
          operationId: `${spec.id}_${op.name.replace(/\./g, '_')}`,
          summary: `${spec.name}: ${op.summary}`,
          description: `${op.description}\n\nRuns with the relay's ${spec.id.toUpperCase()}_API_KEY.`,
          security: [{ bearer: [] }],
          parameters: op.idempotent
            ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Sent to the provider; generated when absent.', schema: { type: 'string' } }]
            : [],
          requestBody: { required: false, content: json(inputSchema(op)) },
          responses: {
            '200': { description: "The provider's result.", content: json(op.sample !== undefined ? { type: 'object', example: op.sample } : { type: 'object' }) },
            '400': errorResponse('Invalid input; `details` names each field and rule. Nothing was sent.'),
            ...AUTH_ERRORS,
            '502': errorResponse('The provider could not be reached.'),
            '503': errorResponse('The provider API key is not configured on the relay.'),
            '504': errorResponse('The provider did not answer in time.'),
            default: errorResponse("The provider's error, normalized, with the provider's status."),
          },
        },
      };
    }
  }
  return out;
}

const schemas: Json = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          details: { description: 'For validation errors: a list of {field, message}.' },
        },
      },
    },
  },
  NewSubscription: {
    type: 'object',
    required: ['target_url'],
    additionalProperties: false,
    properties: {
      target_url: { type: 'string', format: 'uri', maxLength: 2048 },
      events: {
        type: 'array',
        items: { type: 'string', examples: ['vyora.call_completed', 'vyora.*', '*'] },
        minItems: 1,
        maxItems: 100,
        default: ['*'],
      },
      headers: { type: 'object', additionalProperties: { type: 'string' }, description: "Sent with every delivery, e.g. Make's x-make-apikey." },
    },
  },
  Subscription: {
    type: 'object',
    properties: {
      id: { type: 'string', examples: ['sub_9yJdKc1mNq2Lr8sT0uVwXyZa'] },
      secret: { type: 'string', description: 'Standard Webhooks signing secret (whsec_…). Shown on create and on GET of one subscription.' },
      target_url: { type: 'string' },
      events: { type: 'array', items: { type: 'string' } },
      headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Header names; values are masked.' },
      status: { type: 'string', enum: ['active', 'disabled'] },
      disabled_reason: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
    },
  },
  Event: {
    type: 'object',
    properties: {
      id: { type: 'string', examples: ['evt_01HZX3K8Q9V6T2M4N7P5R1S0AB'] },
      type: { type: 'string', examples: ['vyora.call_completed'] },
      provider: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      received_at: { type: 'string', format: 'date-time' },
      data: { description: "The provider's payload." },
    },
  },
  Delivery: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      event_id: { type: 'string' },
      type: { type: 'string' },
      provider: { type: 'string' },
      subscription_id: { type: 'string' },
      state: { type: 'string', enum: ['pending', 'succeeded', 'dead', 'cancelled'] },
      attempts: { type: 'integer' },
      next_attempt_at: { type: ['string', 'null'], format: 'date-time' },
      last_status: { type: ['integer', 'null'] },
      last_error: { type: ['string', 'null'] },
      created_at: { type: 'string', format: 'date-time' },
      updated_at: { type: 'string', format: 'date-time' },
    },
  },
  Attempt: {
    type: 'object',
    properties: {
      delivery_id: { type: 'integer' },
      subscription_id: { type: 'string' },
      attempt: { type: 'integer' },
      started_at: { type: 'string', format: 'date-time' },
      duration_ms: { type: 'integer' },
      status: { type: ['integer', 'null'] },
      outcome: { type: 'string', enum: ['success', 'retry', 'dead', 'gone'] },
      error: { type: ['string', 'null'] },
      response_body: { type: ['string', 'null'] },
    },
  },
  ReplayResult: {
    type: 'object',
    properties: { replayed: { type: 'integer' }, skipped: { type: 'integer', description: 'Deliveries whose subscription is disabled or deleted.' } },
  },
  DeliveryBody: {
    type: 'object',
    required: ['id', 'type', 'provider', 'created_at', 'data'],
    properties: {
      id: { type: 'string', description: 'The event id; also the webhook-id header, the same on every attempt and replay.' },
      type: { type: 'string' },
      provider: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      data: { description: "The provider's payload." },
    },
  },
};

const page = (item: string): Json => ({
  type: 'object',
  properties: { data: { type: 'array', items: ref(item) }, next_cursor: { type: ['string', 'null'] } },
});

export function buildOpenApi(): Json {
  const bearer = [{ bearer: [] }];
  const paths: Json = {
    '/hooks/{provider}': {
      post: {
        tags: ['ingest'],
        summary: 'Receive a provider webhook',
        description:
          "Verified against <PROVIDER>_WEBHOOK_SECRET over the raw body, then stored durably before the 200. A duplicate (same provider event) answers 200 with the first event's id and is not delivered again.",
        parameters: [pathId('provider', 'vyora, aila or ayra')],
        requestBody: { required: true, content: json({ type: 'object' }) },
        responses: {
          '200': { description: 'Stored.', content: json({ type: 'object', properties: { received: { const: true }, id: { type: 'string' } } }) },
          '400': errorResponse('Malformed JSON, not an object, or a missing/unknown event name.'),
          '401': errorResponse('Missing or wrong signature, or the webhook secret is not configured.'),
          '404': errorResponse('Unknown provider, or one that sends no webhooks.'),
          '413': errorResponse('Body over the size cap (RELAY_MAX_BODY_BYTES).'),
          '415': errorResponse('Not sent as application/json.'),
          '503': errorResponse('Storage unavailable or shutting down; retry.'),
        },
      },
    },
    '/v1/subscriptions': {
      post: {
        tags: ['subscriptions'],
        summary: 'Subscribe a URL to events',
        security: bearer,
        requestBody: { required: true, content: json(ref('NewSubscription')) },
        responses: {
          '201': { description: 'Created; keep the secret to verify deliveries.', content: json(ref('Subscription')) },
          '400': errorResponse('Invalid field; `details` names it.'),
          '422': errorResponse('target_url resolves to a loopback, private, link-local or metadata address.'),
          ...AUTH_ERRORS,
        },
      },
      get: {
        tags: ['subscriptions'],
        summary: 'List subscriptions',
        security: bearer,
        parameters: [query('limit', '1-500, default 100', { type: 'integer' }), query('cursor', 'next_cursor of the previous page')],
        responses: { '200': { description: 'A page.', content: json(page('Subscription')) }, ...AUTH_ERRORS },
      },
    },
    '/v1/subscriptions/{id}': {
      parameters: [pathId('id', 'Subscription id')],
      get: {
        tags: ['subscriptions'],
        summary: 'Get a subscription, with its secret',
        security: bearer,
        responses: { '200': { description: 'Found.', content: json(ref('Subscription')) }, '404': errorResponse('No such subscription.'), ...AUTH_ERRORS },
      },
      delete: {
        tags: ['subscriptions'],
        summary: 'Unsubscribe; pending deliveries are cancelled',
        security: bearer,
        responses: { '204': { description: 'Deleted.' }, '404': errorResponse('No such subscription.'), ...AUTH_ERRORS },
      },
    },
    '/v1/events': {
      get: {
        tags: ['events'],
        summary: 'List events, newest first',
        security: bearer,
        parameters: [
          query('provider', 'e.g. vyora'),
          query('type', 'e.g. vyora.call_completed'),
          query('limit', '1-100, default 25', { type: 'integer' }),
          query('cursor', 'next_cursor of the previous page'),
        ],
        responses: { '200': { description: 'A page.', content: json(page('Event')) }, ...AUTH_ERRORS },
      },
    },
    '/v1/events/{id}': {
      get: {
        tags: ['events'],
        summary: 'Get an event with its deliveries and attempts',
        security: bearer,
        parameters: [pathId('id', 'Event id (evt_…)')],
        responses: {
          '200': {
            description: 'Found.',
            content: json({
              allOf: [
                ref('Event'),
                { type: 'object', properties: { deliveries: { type: 'array', items: ref('Delivery') }, attempts: { type: 'array', items: ref('Attempt') } } },
              ],
            }),
          },
          '404': errorResponse('No such event.'),
          ...AUTH_ERRORS,
        },
      },
    },
    '/v1/events/{id}/replay': {
      post: {
        tags: ['events'],
        summary: 'Send an event again, to every subscription it went to or to one',
        security: bearer,
        parameters: [pathId('id', 'Event id (evt_…)')],
        requestBody: { required: false, content: json({ type: 'object', properties: { subscription_id: { type: 'string' } }, additionalProperties: false }) },
        responses: {
          '202': { description: 'Queued.', content: json(ref('ReplayResult')) },
          '404': errorResponse('No such event or subscription.'),
          '409': errorResponse('The subscription is disabled.'),
          ...AUTH_ERRORS,
        },
      },
    },
    '/v1/deliveries': {
      get: {
        tags: ['deliveries'],
        summary: 'List deliveries, e.g. the dead ones',
        security: bearer,
        parameters: [
          query('state', 'pending, succeeded, dead or cancelled'),
          query('subscription_id', ''),
          query('provider', ''),
          query('type', ''),
          query('event_id', ''),
          query('limit', '1-100, default 25', { type: 'integer' }),
          query('cursor', 'next_cursor of the previous page'),
        ],
        responses: { '200': { description: 'A page.', content: json(page('Delivery')) }, ...AUTH_ERRORS },
      },
    },
    '/v1/deliveries/replay': {
      post: {
        tags: ['deliveries'],
        summary: 'Replay every delivery a filter selects (default: state dead)',
        security: bearer,
        requestBody: {
          required: false,
          content: json({
            type: 'object',
            additionalProperties: false,
            properties: {
              state: { type: 'string', enum: ['dead', 'pending', 'succeeded'], default: 'dead' },
              subscription_id: { type: 'string' },
              provider: { type: 'string' },
              type: { type: 'string' },
              event_id: { type: 'string' },
            },
          }),
        },
        responses: { '202': { description: 'Queued.', content: json(ref('ReplayResult')) }, '400': errorResponse('Invalid filter.'), ...AUTH_ERRORS },
      },
    },
    '/v1/deliveries/{id}/replay': {
      post: {
        tags: ['deliveries'],
        summary: 'Replay one delivery',
        security: bearer,
        parameters: [pathId('id', 'Delivery id')],
        responses: {
          '202': { description: 'Queued.', content: json(ref('ReplayResult')) },
          '404': errorResponse('No such delivery.'),
          '409': errorResponse('Its subscription is disabled or deleted, or it is being sent.'),
          ...AUTH_ERRORS,
        },
      },
    },
    ...actionPaths(),
    '/healthz': {
      get: {
        tags: ['operations'],
        summary: 'Health, reflecting storage',
        responses: { '200': { description: 'Healthy.' }, '503': { description: 'Storage unavailable or shutting down.' } },
      },
    },
    '/metrics': {
      get: { tags: ['operations'], summary: 'Prometheus metrics', responses: { '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } } } },
    },
    '/openapi.json': { get: { tags: ['operations'], summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1.' } } } },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'callbridge relay',
      version: '0.1.0',
      description:
        'Receives provider webhooks, stores them durably, and delivers them signed (Standard Webhooks) to every subscribed URL; runs provider actions with the relay credentials.',
    },
    paths,
    webhooks: {
      delivery: {
        post: {
          summary: 'A delivery to a subscription target_url',
          description:
            'Headers: webhook-id (the event id, the same on every attempt), webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256> with the subscription secret), plus the subscription headers. Answer 2xx to accept, 410 to unsubscribe; anything else is retried.',
          requestBody: { content: json(ref('DeliveryBody')) },
          responses: { '200': { description: 'Accepted.' }, '410': { description: 'Gone: the subscription is disabled.' } },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'RELAY_API_TOKEN' } },
      schemas,
    },
  };
}
