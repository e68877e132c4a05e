import { verifyStandardWebhook, verifyWebhook, type VerifyResult } from '@callbridge/core';
import { defineCommand, expectArgs } from '../command';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors';
import { formatJson, writeLine } from '../io';
import { envNames, webhookSecret } from '../providers';
import {
  parseUnixSeconds,
  readBody,
  rejectStandardOnly,
  resolveWebhookProvider,
  secretFormatError,
  STANDARD,
} from '../webhook-input';

const STANDARD_ONLY = ['id', 'timestamp', 'tolerance'] as const;

function parseTolerance(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`--tolerance must be whole seconds, 0 or more (got "${value}")`, { field: '--tolerance' });
  }
  return n;
}

export const verify = defineCommand({
  name: 'verify',
  usage: '<provider> --body-file F --signature S [--secret S]',
  summary: 'exit 0 if the signature is valid, 1 if not',
  flags: {
    'body-file': { type: 'string' },
    signature: { type: 'string' },
    secret: { type: 'string' },
    id: { type: 'string' },
    timestamp: { type: 'string' },
    tolerance: { type: 'string' },
  },
  help: `Checks a webhook signature over the exact bytes of the body file, in constant time.
Prints "valid" and exits 0, or exits 1 with {"valid":false,"reason",…} as JSON on stderr
(reason: missing_signature, malformed_signature, signature_mismatch, …).

Options:
  --body-file F      the raw webhook body, byte for byte (- reads stdin)
  --signature S      the signature header's value, e.g. "sha256=…" for Vyora's X-Vyora-Signature
  --secret S         the webhook secret; default <PROVIDER>_WEBHOOK_SECRET

Standard Webhooks (the relay's deliveries) use the provider name "standard":
  callbridge verify standard --body-file F --signature "v1,…" --id evt_… --timestamp T [--secret whsec_…]
  --id, --timestamp  the webhook-id and webhook-timestamp headers
  --tolerance N      seconds the timestamp may lie from now (default 300)
  the secret defaults to STANDARD_WEBHOOK_SECRET

Examples:
  callbridge verify vyora --body-file body.json --signature "$SIG"
  callbridge sign vyora --body-file body.json | xargs -I{} callbridge verify vyora --body-file body.json --signature {}`,
  async run({ args, flags }, ctx) {
    expectArgs('verify', args, ['provider']);
    const name = (args[0] as string).toLowerCase();
    if (flags.signature === undefined) {
      throw new UsageError('--signature is required: the value of the signature header', { field: '--signature' });
    }
    let result: VerifyResult;
    let provider: string;
    if (name === STANDARD) {
      provider = STANDARD;
      if (flags.id === undefined) throw new UsageError('--id is required for standard: the webhook-id header', { field: '--id' });
      if (flags.timestamp === undefined) {
        throw new UsageError('--timestamp is required for standard: the webhook-timestamp header', { field: '--timestamp' });
      }
      const timestamp = parseUnixSeconds(flags.timestamp, '--timestamp');
      const toleranceSeconds = parseTolerance(flags.tolerance);
      const secret = webhookSecret(ctx, flags.secret, envNames(STANDARD).webhookSecret);
      const body = await readBody(ctx.io, flags['body-file']);
      const headers = { 'webhook-id': flags.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': flags.signature };
      try {
        result = verifyStandardWebhook({ headers, body, secrets: secret, ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}) });
      } catch (e) {
        throw secretFormatError(e);
      }
    } else {
      const spec = resolveWebhookProvider(name);
      provider = spec.id;
      rejectStandardOnly(spec.id, flags, STANDARD_ONLY);
      const secret = webhookSecret(ctx, flags.secret, envNames(spec.id).webhookSecret);
      const rawBody = await readBody(ctx.io, flags['body-file']);
      const header = spec.webhooks?.signature.header.toLowerCase() ?? '';
      result = verifyWebhook(spec, { rawBody, headers: { [header]: flags.signature }, secret });
    }
    if (result.ok) {
      await writeLine(ctx.io.stdout, 'valid');
      return EXIT_OK;
    }
    const stderr = ctx.io.stderr;
    await writeLine(stderr, formatJson({ valid: false, provider, reason: result.reason, message: result.message }, stderr));
    return EXIT_FAILURE;
  },
});
