import { PROVIDER_IDS } from '@callbridge/core';
import { loadRelayConfig, SETTINGS, settingsHelp } from '../src';

/** Each table entry as the variables it stands for: `<PROVIDER>_API_KEY` is one per provider. */
function variables(name: string): string[] {
  return name.startsWith('<PROVIDER>') ? PROVIDER_IDS.map((p) => name.replace('<PROVIDER>', p.toUpperCase())) : [name];
}

/** The variables loadRelayConfig looks at, with `env` as the environment. */
function readBy(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  loadRelayConfig(recording);
  return read;
}

describe('the settings table', () => {
  // Both backends: the PostgreSQL settings are read only for a postgres:// URL.
  const read = new Set([...readBy({}), ...readBy({ RELAY_DATABASE_URL: 'postgres://relay@db.internal/relay' })]);

  test('lists every variable the relay reads, and the relay reads every one it lists', () => {
    const listed = SETTINGS.flatMap((s) => variables(s.name));
    expect([...read].filter((name) => !listed.includes(name))).toEqual([]);
    expect(listed.filter((v) => !read.has(v))).toEqual([]);
  });

  test('each documented default is what the relay uses when the variable is unset', () => {
    const unset = loadRelayConfig({});
    for (const s of SETTINGS) {
      if (s.default === undefined) continue;
      expect([s.name, loadRelayConfig({ [s.name]: s.default })]).toEqual([s.name, unset]);
    }
  });

  test('has every setting the round contract names, with its documented default', () => {
    const byName = new Map(SETTINGS.map((s) => [s.name, s]));
    const contract: Array<[string, string | undefined]> = [
      ['RELAY_TRUST_PROXY', 'off'],
      ['RELAY_MAX_JSON_DEPTH', '64'],
      ['RELAY_DISABLE_AFTER', '5d'],
      ['RELAY_SECRET_OVERLAP', '24h'],
      ['RELAY_RETENTION', '30d'],
      ['RELAY_PRUNE_INTERVAL', '1m'],
      ['RELAY_ENCRYPTION_KEY', undefined],
      ['RELAY_PUBLIC_URL', undefined],
      ['RELAY_STREAM_HEARTBEAT', '15s'],
      ['RELAY_LOG_FORMAT', undefined],
    ];
    for (const [name, def] of contract) {
      expect([name, byName.get(name)?.default]).toEqual([name, def]);
    }
  });

  test('help shows each setting on one line with its default', () => {
    const lines = settingsHelp().split('\n');
    expect(lines).toHaveLength(SETTINGS.length);
    for (const s of SETTINGS) {
      const line = lines.find((l) => l.trim().startsWith(`${s.name} `));
      expect(line).toBeDefined();
      expect(line).toMatch(new RegExp(`^ *${s.name} +${(s.default ?? '-').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    }
  });
});

describe('RELAY_STREAM_HEARTBEAT', () => {
  test('defaults to 15 s, takes a duration and names itself when wrong', () => {
    expect(loadRelayConfig({}).streamHeartbeatMs).toBe(15_000);
    expect(loadRelayConfig({ RELAY_STREAM_HEARTBEAT: '250ms' }).streamHeartbeatMs).toBe(250);
    expect(() => loadRelayConfig({ RELAY_STREAM_HEARTBEAT: 'often' })).toThrow(/RELAY_STREAM_HEARTBEAT/);
    expect(() => loadRelayConfig({ RELAY_STREAM_HEARTBEAT: '10ms' })).toThrow(/RELAY_STREAM_HEARTBEAT: must be between/);
  });
});
