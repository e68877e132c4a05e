import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { getProvider, PROVIDER_IDS, type ProviderSpec } from '@callbridge/core';
import { driftOf, generateApp, isUpToDate, writeApp } from '@callbridge/make';
import { Make } from '@makehq/sdk';
import { defineCommand } from '../command';
import { UsageError } from '../errors';
import { writeLine } from '../io';
import { resolveProvider } from '../providers';
import { deployApp, STATE_FILE } from '../make/deploy';
import { readProject } from '../make/project';

/**
 * `callbridge make build [provider]` writes the Make apps from core's specs;
 * `callbridge make deploy <provider>` creates or updates one in a Make account.
 */

/** The repository's packages/make, when this CLI runs from a checkout; else ./make-apps. */
function defaultDir(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'packages', 'make');
    if (existsSync(join(candidate, 'common'))) return candidate;
  }
  return resolve('make-apps');
}

const ZONE = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** The identity of a provider's app in Make: one per provider, private to the account. */
function identity(spec: ProviderSpec): { name: string; label: string; description: string; theme: string } {
  return { name: `callbridge-${spec.id}`, label: `${spec.name} (callbridge)`, description: spec.description, theme: '#2f6fed' };
}

export const make = defineCommand({
  name: 'make',
  usage: 'build [provider] [--dir DIR] | deploy <provider> [--dir DIR]',
  summary: 'build the Make apps, or deploy one to your Make account',
  flags: {
    dir: { type: 'string' },
    check: { type: 'boolean' },
  },
  help: `build [provider]    writes one Make custom app per provider (or the one named), generated
                    from callbridge's provider descriptions, as a local project of Make's
                    Apps Editor for VS Code: DIR/<provider>/makecomapp.json and one
                    .iml.json file per code section. Open the folder in VS Code to edit or
                    deploy it there. With --check, writes nothing and exits 1 if the folder
                    differs from a fresh build.
deploy <provider>   creates the app in your Make account as a private app, or updates it:
                    connection, RPCs, webhooks (linked to the connection), modules (linked
                    to their webhook and connection), base, groups and docs. Run it again
                    after a change: it updates what exists and creates nothing twice. The
                    names Make gives are kept in DIR/<provider>/${STATE_FILE}.

Environment (deploy):
  MAKE_API_KEY   a Make API key with the custom-apps scopes (sdk-apps:read, sdk-apps:write)
  MAKE_ZONE      your Make zone, e.g. eu1.make.com or us1.make.com

Options:
  --dir DIR      the folder holding one folder per provider (default: this repository's
                 packages/make, or ./make-apps outside it)
  --check        (build) compare only

Examples:
  callbridge make build
  MAKE_API_KEY=… MAKE_ZONE=eu1.make.com callbridge make deploy vyora`,
  async run({ args, flags }, ctx) {
    const [sub, ...rest] = args;
    const dir = resolve(flags.dir ?? defaultDir());
    if (sub === 'build') {
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`, { hints: ['Run `callbridge help make`.'] });
      const specs = rest[0] !== undefined ? [resolveProvider(rest[0])] : PROVIDER_IDS.map((id) => getProvider(id));
      let stale = 0;
      for (const spec of specs) {
        const app = generateApp(spec);
        const target = join(dir, spec.id);
        if (flags.check) {
          const drift = driftOf(target, app);
          if (!isUpToDate(drift)) {
            stale++;
            await writeLine(ctx.io.stderr, `${spec.id}: out of date (missing ${drift.missing.length}, changed ${drift.changed.length}, extra ${drift.extra.length}): ${[...drift.missing, ...drift.changed, ...drift.extra].slice(0, 5).join(', ')}`);
          } else await writeLine(ctx.io.stdout, `${spec.id}: up to date`);
          continue;
        }
        const changed = writeApp(target, app);
        const n = changed.missing.length + changed.changed.length + changed.extra.length;
        await writeLine(ctx.io.stdout, `${spec.id}: ${target} (${app.files.size} files, ${n} changed)`);
      }
      return stale > 0 ? 1 : 0;
    }
    if (sub === 'deploy') {
      if (rest.length !== 1) throw new UsageError(rest.length === 0 ? 'missing <provider>' : `unexpected argument "${rest[1]}"`, { field: 'provider', hints: ['Run `callbridge help make`.'] });
      const spec = resolveProvider(rest[0] as string);
      const apiKey = ctx.env['MAKE_API_KEY'];
      if (!apiKey) throw new UsageError('MAKE_API_KEY is not set: a Make API key with the custom-apps scopes', { field: 'MAKE_API_KEY' });
      ctx.addSecret(apiKey);
      const zone = (ctx.env['MAKE_ZONE'] ?? '').replace(/^https?:\/\//, '').replace(/\/+$/, '');
      if (!ZONE.test(zone)) throw new UsageError('MAKE_ZONE must be your Make zone\'s host, e.g. eu1.make.com', { field: 'MAKE_ZONE' });
      const project = await readProject(join(dir, spec.id));
      const client = new Make(apiKey, zone);
      const result = await deployApp({
        make: client,
        zone,
        project,
        identity: identity(spec),
        onStep: flags.verbose ? (label) => writeLine(ctx.io.stderr, `done: ${label}`) : undefined,
      });
      await writeLine(
        ctx.io.stdout,
        `${spec.name}: deployed to ${zone} as private app ${result.app} (version ${result.appVersion}): ${result.created.length} created, ${result.updated.length} updated`,
      );
      return 0;
    }
    throw new UsageError(sub === undefined ? 'missing what to do: build or deploy' : `unknown make command "${sub}"; known: build, deploy`, {
      field: 'make',
      hints: ['Run `callbridge help make`.'],
    });
  },
});
