import { defineApp, version as platformVersion } from 'zapier-platform-core';

// A key with a dash and a create without display or perform: zapier-platform validate must refuse it.
export default defineApp({
  version: '0.0.1',
  platformVersion,
  creates: {
    'not-a-key': { key: 'not-a-key', noun: 'Thing', display: { label: 'X', description: '' }, operation: { perform: { url: '' } } },
  },
});
