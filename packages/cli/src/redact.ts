import type { OutputSink } from './io';

/** Shorter strings would mangle ordinary words; real keys and secrets are far longer. */
const MIN_SECRET_LENGTH = 4;

/**
 * A sink that blanks out the credentials this run has read, should any text reach it
 * (a provider echoing a key in an error body, a message quoting its input).
 * Only text sinks meant for people are wrapped; result data on stdout is left exact.
 */
export class RedactingSink implements OutputSink {
  readonly #inner: OutputSink;
  readonly #secrets = new Set<string>();

  constructor(inner: OutputSink) {
    this.#inner = inner;
  }

  get isTTY(): boolean | undefined {
    return this.#inner.isTTY;
  }

  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.#secrets.add(secret);
  }

  write(chunk: string | Uint8Array): unknown {
    if (typeof chunk !== 'string' || this.#secrets.size === 0) return this.#inner.write(chunk);
    let text = chunk;
    for (const secret of this.#secrets) text = text.split(secret).join('[redacted]');
    return this.#inner.write(text);
  }

  once(event: 'drain', listener: () => void): unknown {
    if (this.#inner.once) return this.#inner.once(event, listener);
    listener();
    return undefined;
  }
}
