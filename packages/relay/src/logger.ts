import pino, { type Logger } from 'pino';

/**
 * The default logger: JSON lines on stdout. Paths that could carry a credential are
 * redacted as a second line of defence; the code itself never logs secrets, tokens,
 * subscription header values or bodies.
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

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'callbridge-relay' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
