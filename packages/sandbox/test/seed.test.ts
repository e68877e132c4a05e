import { startSandbox, type RunningSandbox } from '@callbridge/sandbox';
import { call, request } from './helpers';

async function snapshot(s: RunningSandbox): Promise<unknown[]> {
  return Promise.all([
    call(s, 'ayra', 'GET', '/agents?per_page=100').then((r) => (r.body as { data: unknown }).data),
    call(s, 'ayra', 'GET', '/contacts?per_page=100&page=2').then((r) => (r.body as { data: unknown }).data),
    call(s, 'vyora', 'GET', '/v1/agents').then((r) => r.body),
    call(s, 'aila', 'GET', '/calls?limit=100&offset=50').then((r) => (r.body as { data: unknown }).data),
  ]);
}

describe('seed data', () => {
  let a: RunningSandbox;
  let b: RunningSandbox;
  let c: RunningSandbox;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([startSandbox({ seed: 7 }), startSandbox({ seed: 7 }), startSandbox({ seed: 8 })]);
  });
  afterAll(() => Promise.all([a, b, c].map((s) => s.close())));

  test('the same seed builds the same world; another seed another one', async () => {
    const [sa, sb, sc] = await Promise.all([snapshot(a), snapshot(b), snapshot(c)]);
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    // The documented examples are in every world.
    expect((sc[0] as Array<{ id: string }>).slice(0, 2).map((x) => x.id)).toEqual(['agent_abc123', 'agent_def456']);
  });

  test('realistic spread: dozens of agents across statuses, platforms and languages; a hundred and more calls and contacts', async () => {
    const agents = (await call(a, 'ayra', 'GET', '/agents?per_page=100')).body as { data: Array<Record<string, string>> };
    const distinct = (k: string): number => new Set(agents.data.map((x) => x[k])).size;
    expect(agents.data).toHaveLength(47);
    expect(distinct('status')).toBe(3);
    expect(distinct('voice_platform')).toBe(2);
    expect(distinct('language')).toBeGreaterThanOrEqual(4);
    expect(new Set(agents.data.map((x) => x['name'])).size).toBe(47);
    const totals = await Promise.all([
      call(a, 'ayra', 'GET', '/contacts').then((r) => (r.body as { meta: { total: number } }).meta.total),
      call(a, 'ayra', 'GET', '/conversations').then((r) => (r.body as { meta: { total: number } }).meta.total),
      call(a, 'aila', 'GET', '/calls').then((r) => (r.body as { meta: { total: number } }).meta.total),
      call(a, 'aila', 'GET', '/contacts').then((r) => (r.body as { meta: { total: number } }).meta.total),
    ]);
    for (const t of totals) expect(t).toBeGreaterThanOrEqual(100);
    const call1 = (await call(a, 'aila', 'GET', '/calls?limit=100')).body as { data: Array<Record<string, unknown>> };
    expect(new Set(call1.data.map((x) => x['status']))).toEqual(new Set(['processed', 'failed']));
  });

  test('reset() restores the seeded world; reset(seed) builds another; the admin API does the same', async () => {
    const before = await snapshot(a);
    const created = await call(a, 'ayra', 'POST', '/agents', { body: { name: 'Temporary Agent' } });
    expect(created.status).toBe(201);
    expect(await snapshot(a)).not.toEqual(before);
    a.reset();
    expect(await snapshot(a)).toEqual(before);
    a.reset(8);
    expect(await snapshot(a)).toEqual(await snapshot(c));
    const res = await request(`${a.url}/_sandbox/reset`, { method: 'POST', body: {} });
    expect(res).toMatchObject({ status: 200, body: { reset: true, seed: 7 } });
    expect(await snapshot(a)).toEqual(before);
    expect(await request(`${a.url}/_sandbox/reset`, { method: 'POST', body: { seed: 1.5 } })).toMatchObject({ status: 400, body: { error: { field: 'seed' } } });
  });

  test('ids minted at run time are deterministic too', async () => {
    a.reset();
    b.reset();
    const body = { name: 'Same Contact', email: 'same@example.com' };
    const [ra, rb] = await Promise.all([call(a, 'ayra', 'POST', '/contacts', { body }), call(b, 'ayra', 'POST', '/contacts', { body })]);
    expect((ra.body as { id: string }).id).toBe((rb.body as { id: string }).id);
  });
});
