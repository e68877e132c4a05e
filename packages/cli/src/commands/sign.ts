import { signStandardWebhook, signWebhook } from '@callbridge/core';
import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { writeLine } from '../io';
import { envNames, webhookSecret } from '../providers';
import { parseUnixSeconds, readBody, rejectStandardOnly, resolveWebhookProvider, secretFormatError, STANDARD } from '../webhook-input';

export const sign = defineCommand({
  name: 'sign',
  usage: '<provider> --body-file F [--secret S]',
  summary: 'print the signature header value',
  flags: {
    'body-file': { type: 'string' },
    secret: { type: 'string' },
    id: { type: 'string' },
    timestamp: { type: 'string' },
  },
  help: `Signs the exact bytes of the body file as the provider would and prints the value of its
signature header (e.g. "sha256=…" for Vyora's X-Vyora-Signature), to test a receiver.

Options:
  --body-file F      the raw webhook body, byte for byte (- reads stdin)
  --secret S         the webhook secret; default <PROVIDER>_WEBHOOK_SECRET

Standard Webhooks (as the relay signs its deliveries) use the provider name "standard":
  callbridge sign standard --body-file F --id evt_… [--timestamp T] [--secret whsec_…]
  prints "v1,<base64>" for the webhook-signature header; --timestamp defaults to now
  and the secret to STANDARD_WEBHOOK_SECRET

Examples:
  callbridge sign vyora --body-file body.json
  curl -H "X-Vyora-Signature: $(callbridge sign vyora --body-file body.json)" \\
       -H 'Content-Type: application/json' --data-binary @body.json http://127.0.0.1:8080/hooks/vyora`,
  async run({ args, flags }, ctx) {
    expectArgs('sign', args, ['provider']);
    const name = (args[0] as string).toLowerCase();
    if (name === STANDARD) {
      if (flags.id === undefined || flags.id === '') {
        throw new UsageError('--id is required for standard: the webhook-id header', { field: '--id' });
      }
      const timestamp = flags.timestamp !== undefined ? parseUnixSeconds(flags.timestamp, '--timestamp') : Math.floor(Date.now() / 1000);
      const secret = webhookSecret(ctx, flags.secret, envNames(STANDARD).webhookSecret);
      const body = await readBody(ctx.io, flags['body-file']);
      let value: string;
      try {
        value = signStandardWebhook({ id: flags.id, timestamp, body, secret });
      } catch (e) {
        throw secretFormatError(e);
      }
      await writeLine(ctx.io.stdout, value);
      return 0;
    }
    const spec = resolveWebhookProvider(name);
    rejectStandardOnly(spec.id, flags, ['id', 'timestamp']);
    const secret = webhookSecret(ctx, flags.secret, envNames(spec.id).webhookSecret);
    const rawBody = await readBody(ctx.io, flags['body-file']);
    await writeLine(ctx.io.stdout, signWebhook(spec, { rawBody, secret }).value);
    return 0;
  },
});
