import type { QueryResultRow } from 'pg';
import { decodeCursor, encodeCursor } from '../cursor';
import { num, SECRET_QUERIES, secretFields, toSource, toToken, updateSecretSql, type Row } from '../rows';
import type { ConfigChange, Page, SecretField, SourcePatch, SourceRecord, TokenRecord } from '../types';

/** What the admin queries need of the PostgreSQL storage. */
export interface PgDb {
  query<T extends QueryResultRow = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  tx<T>(fn: (query: (sql: string, params?: unknown[]) => Promise<Row[]>) => Promise<T>): Promise<T>;
  /** Tells this replica's caches and, through NOTIFY, every other replica's. */
  changed(change: ConfigChange): Promise<void>;
}

function paged<T>(rows: Row[], limit: number, map: (r: Row) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(num(last, 'seq')) : null };
}

const SOURCE_COLUMNS: Array<[keyof SourcePatch, string]> = [
  ['name', 'name'],
  ['webhookSecret', 'webhook_secret'],
  ['apiKey', 'api_key'],
  ['baseUrl', 'base_url'],
  ['organizationId', 'organization_id'],
];

/** Sources, tokens and the secret-bearing columns on PostgreSQL. */
export class PgAdmin {
  constructor(private readonly db: PgDb) {}

  async createSource(s: SourceRecord): Promise<SourceRecord> {
    await this.db.query(
      `INSERT INTO sources (id, provider, name, webhook_secret, api_key, base_url, organization_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [s.id, s.provider, s.name, s.webhookSecret, s.apiKey, s.baseUrl, s.organizationId, s.createdAt, s.updatedAt],
    );
    await this.db.changed('sources');
    return { ...s };
  }

  async getSource(id: string): Promise<SourceRecord | null> {
    const [row] = await this.db.query('SELECT * FROM sources WHERE id = $1', [id]);
    return row ? toSource(row) : null;
  }

  async listSources(limit: number, cursor?: string): Promise<Page<SourceRecord>> {
    const rows = await this.db.query('SELECT * FROM sources WHERE seq > $1 ORDER BY seq LIMIT $2', [cursor ? decodeCursor(cursor) : 0, limit + 1]);
    return paged(rows, limit, toSource);
  }

  async updateSource(id: string, patch: SourcePatch, updatedAt: string): Promise<SourceRecord | null> {
    const params: unknown[] = [updatedAt];
    const sets = ['updated_at = $1'];
    for (const [key, column] of SOURCE_COLUMNS) {
      const v = patch[key];
      if (v === undefined) continue;
      params.push(v);
      sets.push(`${column} = $${params.length}`);
    }
    params.push(id);
    const rows = await this.db.query(`UPDATE sources SET ${sets.join(', ')} WHERE id = $${params.length} RETURNING *`, params);
    const row = rows[0];
    if (!row) return null;
    await this.db.changed('sources');
    return toSource(row);
  }

  async deleteSource(id: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM sources WHERE id = $1 RETURNING id', [id]);
    if (rows.length > 0) await this.db.changed('sources');
    return rows.length > 0;
  }

  async createToken(t: TokenRecord): Promise<TokenRecord> {
    await this.db.query(
      'INSERT INTO tokens (id, name, token_hash, sources, created_at, last_used_at) VALUES ($1, $2, $3, $4::text[], $5, $6)',
      [t.id, t.name, t.tokenHash, [...t.sources], t.createdAt, t.lastUsedAt],
    );
    await this.db.changed('tokens');
    return { ...t, sources: [...t.sources] };
  }

  async listTokens(limit: number, cursor?: string): Promise<Page<TokenRecord>> {
    const rows = await this.db.query('SELECT * FROM tokens WHERE seq > $1 ORDER BY seq LIMIT $2', [cursor ? decodeCursor(cursor) : 0, limit + 1]);
    return paged(rows, limit, toToken);
  }

  async deleteToken(id: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM tokens WHERE id = $1 RETURNING id', [id]);
    if (rows.length > 0) await this.db.changed('tokens');
    return rows.length > 0;
  }

  async touchTokens(ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query('UPDATE tokens SET last_used_at = GREATEST(COALESCE(last_used_at, 0), $1) WHERE id = ANY($2::text[])', [now, [...ids]]);
  }

  async readSecrets(): Promise<SecretField[]> {
    return secretFields(await this.db.query(SECRET_QUERIES.subscriptions), await this.db.query(SECRET_QUERIES.sources));
  }

  async writeSecrets(fields: readonly SecretField[]): Promise<void> {
    if (fields.length === 0) return;
    await this.db.tx(async (q) => {
      for (const f of fields) await q(updateSecretSql(f, 'postgres'), [f.value, f.id]);
    });
    await this.db.changed('subscriptions');
    await this.db.changed('sources');
  }
}
