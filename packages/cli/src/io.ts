import { readFile as fsReadFile } from 'node:fs/promises';

/** Anything stdout-like: process.stdout in the shell, a string collector in tests. */
export interface OutputSink {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

export interface Io {
  stdout: OutputSink;
  stderr: OutputSink;
  /** Reads a file's raw bytes; tests inject their own. Defaults to the file system. */
  readFile?: (path: string) => Promise<Uint8Array | string>;
  /** Where `--json -` and `--body-file -` read from. Defaults to process.stdin. */
  stdin?: AsyncIterable<Uint8Array | string>;
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Writes and, when the sink says it is full, waits for it to drain, so that streaming a long
 * listing into a slow pipe holds items back instead of buffering them all in memory.
 */
export async function write(sink: OutputSink, chunk: string | Uint8Array): Promise<void> {
  const accepted = sink.write(chunk);
  if (accepted === false && sink.once) {
    await new Promise<void>((resolve) => sink.once?.('drain', resolve));
  }
}

export function writeLine(sink: OutputSink, text: string): Promise<void> {
  return write(sink, text.endsWith('\n') ? text : `${text}\n`);
}

/** Pretty for a person at a terminal, one line for a pipe (so `jq` and `grep` see one record a line). */
export function formatJson(value: unknown, sink: OutputSink): string {
  return sink.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** The raw bytes of a file, or of stdin for `-`. Bytes, not text: a signature covers exact bytes. */
export async function readSource(io: Io, path: string): Promise<Uint8Array> {
  if (path === '-') {
    const stdin = io.stdin ?? process.stdin;
    const parts: Uint8Array[] = [];
    for await (const chunk of stdin) parts.push(toBytes(chunk));
    return Buffer.concat(parts);
  }
  const read = io.readFile ?? ((p: string) => fsReadFile(p));
  return toBytes(await read(path));
}
