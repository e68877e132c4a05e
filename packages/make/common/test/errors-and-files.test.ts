import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeProviderError, providers } from '@callbridge/core';
import { driftOf, generateApp, isUpToDate, writeApp } from '@callbridge/make';
import { loadApp } from './support/app';
import { evaluateString } from './support/narrow-iml';

/**
 * The base's error mapping, evaluated (narrow substitution, not IML) on the provider documents'
 * own error bodies: the message is the one core reads from them, the type Make's, and a
 * validation error names the field where the body does. And writing an app into a folder.
 */

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures');

function fixture(provider: string, name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, provider, `${name}.json`), 'utf8')) as unknown;
}

type ErrorSpec = { message: string; type?: string };

describe('error mapping on the documents\' error bodies', () => {
  it.each([
    ['aila', 'error.validation', 400, 'DataError', 'field: start_date'],
    ['ayla', 'error.invalid_sender_id', 422, 'DataError', undefined],
    ['ayra', 'error.invalid_request', 400, 'DataError', undefined],
    ['vyora', 'error.call_not_found', 404, 'RuntimeError', undefined],
    ['vyora', 'error.insufficient_credits', 402, 'RuntimeError', undefined],
  ] as const)('%s %s (%i) → %s', (provider, name, status, type, field) => {
    const app = loadApp(provider);
    const body = fixture(provider, name);
    const directive = (app.base['response'] as { error: Record<string, ErrorSpec | string> }).error;
    const spec = (directive[String(status)] as ErrorSpec | undefined) ?? { message: directive['message'] as string, type: directive['type'] as string };
    const message = evaluateString(spec.message, { statusCode: status, body }) as string;
    expect(spec.type).toBe(type);
    const core = normalizeProviderError(provider, status, body, {});
    expect(message.startsWith(`[${status}] ${core.message}`)).toBe(true);
    if (field) expect(message).toContain(field);
    else expect(message).not.toContain('field:');
  });

  it('429 is a RateLimitError and 401/403 an account error for every provider', () => {
    for (const id of ['ayra', 'vyora', 'aila', 'ayla'] as const) {
      const error = (loadApp(id).base['response'] as { error: Record<string, ErrorSpec> }).error;
      expect([error['429']?.type, error['401']?.type, error['403']?.type]).toEqual(['RateLimitError', 'InvalidAccessTokenError', 'InvalidAccessTokenError']);
    }
  });
});

describe('writing an app into a folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'make-app-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every file, removes generated files and folders it no longer has, and leaves the deploy record alone', () => {
    const app = generateApp(providers.ayla);
    writeApp(dir, app);
    expect(isUpToDate(driftOf(dir, app))).toBe(true);
    writeFileSync(join(dir, '.make-deploy.json'), '{}\n');
    const staleDir = join(dir, 'modules', 'old-module');
    rmSync(staleDir, { recursive: true, force: true });
    mkdirSync(staleDir, { recursive: true });
    writeFileSync(join(staleDir, 'old-module.communication.iml.json'), '{}\n');
    writeFileSync(join(dir, 'general', 'base.iml.json'), '{}\n');
    const drift = writeApp(dir, app);
    expect(drift).toEqual({ missing: [], changed: ['general/base.iml.json'], extra: ['modules/old-module/old-module.communication.iml.json'] });
    expect(existsSync(staleDir)).toBe(false);
    expect(existsSync(join(dir, '.make-deploy.json'))).toBe(true);
    expect(isUpToDate(driftOf(dir, app))).toBe(true);
  });
});
