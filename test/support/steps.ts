/**
 * A journey prints one line per step with the step's time and the time since the journey
 * began, so that a failure names the hop that broke (the relay's ingest, a delivery, n8n's
 * activation...) instead of leaving a timeout to be read backwards. Lines go straight to
 * stdout: the journeys run in one process (maxWorkers 1), where jest does not buffer them.
 */

export interface Journey {
  /** Runs one step; its line says how long it took, or that it failed and why. */
  step<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
  /** A line of information between steps (counts, ids, a finding). */
  note(line: string): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function journey(name: string): Journey {
  const started = performance.now();
  let n = 0;
  const prefix = `[${name}]`;
  return {
    async step<T>(title: string, fn: () => Promise<T> | T): Promise<T> {
      n += 1;
      const label = `${prefix} ${String(n).padStart(2)}. ${title}`;
      const t = performance.now();
      try {
        const out = await fn();
        print(`${label}: ok in ${Math.round(performance.now() - t)} ms (at ${seconds(performance.now() - started)})`);
        return out;
      } catch (e) {
        const ms = Math.round(performance.now() - t);
        const message = e instanceof Error ? e.message : String(e);
        print(`${label}: FAILED after ${ms} ms: ${message.split('\n')[0] ?? ''}`);
        // The step's name leads the error jest reports, so the summary says which hop broke.
        if (e instanceof Error) {
          e.message = `step ${n} "${title}" failed: ${e.message}`;
          throw e;
        }
        throw new Error(`step ${n} "${title}" failed: ${message}`);
      }
    },
    note(line: string): void {
      print(`${prefix}     ${line}`);
    },
  };
}
