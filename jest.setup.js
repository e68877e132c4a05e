// nock intercepts by patching node's http module, which outlives jest's per-file module
// registry: a test file's nock stays active in the worker after the file ends, and with
// net connect disabled it refuses the next file's requests before that file's own nock
// sees them. Deactivating nock after every file keeps files independent.
const nock = require('nock');

afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
