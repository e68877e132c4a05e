import { SampleEventError, sendSampleEvent } from '@callbridge/sandbox';
import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { writeLine } from '../io';
import { envNames, resolveProvider } from '../providers';

export const sendEvent = defineCommand({
  name: 'send-event',
  usage: '<provider> <event> --to URL [--secret S]',
  summary: 'post a signed sample event, e.g. to the relay',
  flags: {
    to: { type: 'string' },
    secret: { type: 'string' },
  },
  help: `Posts one of the provider's sample webhook events (built from the documents' examples),
signed as the provider signs it, and prints the receiver's answer. Exits 0 on a 2xx, 1 otherwise.

Options:
  --to URL      where to post it, e.g. http://127.0.0.1:8080/hooks/vyora
  --secret S    the webhook signing secret (default: <PROVIDER>_WEBHOOK_SECRET); without one the
                event goes unsigned, which a receiver that verifies (the relay) refuses with 401

Events: vyora call_started | call_completed | all_processing_completed;
        aila call.completed | call.data.extracted | task.created | task.synced | mismo.ready | test.ping;
        ayra conversation.completed and others. Ayla sends no webhooks.

Examples:
  VYORA_WEBHOOK_SECRET=… callbridge send-event vyora call_completed --to http://127.0.0.1:8080/hooks/vyora`,
  async run({ args, flags }, ctx) {
    expectArgs('send-event', args, ['provider', 'event']);
    const spec = resolveProvider(args[0] as string);
    const event = args[1] as string;
    const to = flags.to;
    if (!to) throw new UsageError('missing --to URL', { field: '--to' });
    if (!/^https?:\/\//i.test(to) || !URL.canParse(to)) {
      throw new UsageError(`--to must be an http(s) URL, got "${to}"`, { field: '--to' });
    }
    const variable = envNames(spec.id).webhookSecret;
    const secret = flags.secret?.trim() || ctx.env[variable]?.trim() || undefined;
    ctx.addSecret(secret);
    if (!secret) await writeLine(ctx.io.stderr, `note: no --secret or ${variable}; sending the event unsigned`);
    let result;
    try {
      result = await sendSampleEvent(spec.id, event, { to, ...(secret ? { secret } : {}) });
    } catch (e) {
      if (e instanceof SampleEventError) throw new UsageError(e.message, { field: e.field });
      throw e;
    }
    if (result.status === null) {
      await writeLine(ctx.io.stderr, `callbridge: no answer from ${new URL(to).origin}: ${result.error ?? result.text}`);
      return 1;
    }
    await writeLine(ctx.io.stdout, `${result.status} ${result.text}`.trimEnd());
    return result.status >= 200 && result.status < 300 ? 0 : 1;
  },
});
