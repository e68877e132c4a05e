import { defineOperation, defineProvider, field, operations } from '@callbridge/core';

/** A minimal provider with a write that carries no idempotency key. */
export const ayraLikeOp = defineProvider({
  id: 'ayra',
  name: 'Example',
  description: 'test provider',
  baseUrl: 'https://example.test',
  docsUrl: 'https://example.test/docs',
  auth: { type: 'bearer' },
  keyHelp: 'n/a',
  pagination: { style: 'none' },
  rateLimit: { requests: 10, perMs: 1000 },
  testOperation: 'things.update',
  operations: operations(
    defineOperation('things.update', {
      summary: 'Update a thing',
      description: 'A write without an idempotency key',
      method: 'POST',
      path: '/things',
      fields: { name: field.string({ label: 'Name', help: 'Name', required: true }) },
    }),
  ),
});
