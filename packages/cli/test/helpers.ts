import { Readable } from 'node:stream';
import { main } from '../src/main';
import type { OutputSink } from '../src/io';

/** A sink that keeps what was written, as text. */
export class Capture implements OutputSink {
  readonly chunks: string[] = [];
  constructor(readonly isTTY = false) {}
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Files readable through io.readFile, by path. */
  files?: Record<string, string | Uint8Array>;
  stdin?: string | Uint8Array;
  tty?: boolean;
  stdout?: Capture;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, exactly as bin.ts does, with captured streams. */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = options.stdout ?? new Capture(options.tty ?? false);
  const stderr = new Capture(options.tty ?? false);
  const files = options.files ?? {};
  const code = await main(argv, options.env ?? {}, {
    stdout,
    stderr,
    readFile: async (path) => {
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return content;
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [typeof options.stdin === 'string' ? Buffer.from(options.stdin) : options.stdin]),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export const KEY = 'vy_test_key_5c1f9a2b7e';
export const VYORA = 'https://api.vyora.ai';
export const env = { VYORA_API_KEY: KEY };
