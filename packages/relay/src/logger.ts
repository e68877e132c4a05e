import pino, { type Logger } from 'pino';
import type prettyFactory from 'pino-pretty';

/**
 * The default logger: readable lines in a terminal (pino-pretty, in this process, no worker
 * thread), JSON lines otherwise, for a log collector (RELAY_LOG_FORMAT picks). Paths that
 * could carry a credential are redacted as a second line of defence; the code itself never
 * logs secrets, tokens, subscription header values or bodies.
 */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'headers',
  '*.headers',
  'req.headers.authorization',
  'authorization',
  '*.authorization',
];

export type LogFormat = 'pretty' | 'json';

export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'callbridge-relay' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (format === 'json') return pino(options);
  // Loaded only for the readable form: a relay logging JSON (a service, a container) never
  // needs it, and every MiB of a long-running process's footprint counts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = (require('pino-pretty') as { default: typeof prettyFactory }).default;
  // The readable form: time, level and the message, which carries the facts; fields stay out.
  return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service,reqId', hideObject: true }));
}
