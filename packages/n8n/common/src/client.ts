import { sleepWithAbort, type IHttpRequestOptions } from 'n8n-workflow';
import { ProviderClient, type ProviderSpec } from './core';
import { n8nTransport } from './transport';

/**
 * A core client wired to n8n: requests through httpRequestWithAuthentication (n8n adds
 * the key from the credential), waits through n8n's sleep (nodes keep no timers of their
 * own), the clock read from Date, and the base URL from the credential so that a sandbox
 * or proxy can stand in for the provider.
 */

/** The slice of an n8n context the client needs; execute, hook and load-options functions all have it. */
export interface AuthenticatedRequester {
  helpers: {
    httpRequestWithAuthentication(credentialsType: string, requestOptions: IHttpRequestOptions): Promise<unknown>;
  };
}

export const n8nClock = { now: (): number => Date.now() };

export function n8nSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepWithAbort(ms, signal);
}

/** The credential's base URL, or the provider's own when the field is empty. */
export function baseUrlFrom(spec: ProviderSpec, credentials: Record<string, unknown>): string {
  const value = credentials['baseUrl'];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\/+$/, '') : spec.baseUrl;
}

export function n8nClient<P extends ProviderSpec>(
  ctx: AuthenticatedRequester,
  spec: P,
  credentialType: string,
  credentials: Record<string, unknown>,
): ProviderClient<P> {
  const request = (options: IHttpRequestOptions): Promise<unknown> =>
    ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options);
  return new ProviderClient(spec, {
    baseUrl: baseUrlFrom(spec, credentials),
    transport: n8nTransport(request),
    clock: n8nClock,
    sleep: n8nSleep,
  });
}
