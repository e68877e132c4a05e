import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { decodeCursor, encodeCursor } from './cursor';
import { num, SECRET_QUERIES, secretFields, toSource, toToken, updateSecretSql, type Row } from './rows';
import type { ConfigChange, Page, SecretField, SourcePatch, SourceRecord, TokenRecord } from './types';

/** What the SQLite helpers need of the storage: prepared statements and transactions. */
export interface SqliteDb {
  stmt(sql: string): StatementSync;
  tx<T>(fn: () => T, sync?: 'full' | 'normal'): T;
}

/**
 * What secret values were replaced with (plain text an older relay stored, sealed once at the
 * next start) must not stay in the file: SQLite leaves a moved row's old bytes in free space,
 * where a copy of the file or a backup would carry them. VACUUM rewrites the file from its
 * live rows, and a truncating checkpoint drops the WAL's copies of the old pages. This runs
 * when secrets are rewritten, which is rare (the first start after an upgrade), so its cost,
 * a pass over the file, is paid once.
 */
export function forgetReplacedValues(db: Pick<SqliteDb, 'stmt'>): void {
  db.stmt('VACUUM').run();
  db.stmt('PRAGMA wal_checkpoint(TRUNCATE)').run();
}

function paged<T>(rows: Row[], limit: number, map: (r: Row) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(num(last, 'seq')) : null };
}

/**
 * Sources, tokens and the secret-bearing columns on SQLite: configuration an operator
 * changes now and then, kept apart from the event and delivery paths.
 */
export class SqliteAdmin {
  constructor(
    private readonly db: SqliteDb,
    private readonly changed: (change: ConfigChange) => void,
  ) {}

  async createSource(s: SourceRecord): Promise<SourceRecord> {
    this.db.tx(() =>
      this.db
        .stmt(
          `INSERT INTO sources (id, provider, name, webhook_secret, api_key, base_url, organization_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(s.id, s.provider, s.name, s.webhookSecret, s.apiKey, s.baseUrl, s.organizationId, s.createdAt, s.updatedAt),
    );
    this.changed('sources');
    return { ...s };
  }

  async getSource(id: string): Promise<SourceRecord | null> {
    const row = this.db.stmt('SELECT * FROM sources WHERE id = ?').get(id) as Row | undefined;
    return row ? toSource(row) : null;
  }

  async listSources(limit: number, cursor?: string): Promise<Page<SourceRecord>> {
    const rows = this.db.stmt('SELECT * FROM sources WHERE seq > ? ORDER BY seq LIMIT ?').all(cursor ? decodeCursor(cursor) : 0, limit + 1) as Row[];
    return paged(rows, limit, toSource);
  }

  async updateSource(id: string, patch: SourcePatch, updatedAt: string): Promise<SourceRecord | null> {
    const sets: string[] = ['updated_at = ?'];
    const params: SQLInputValue[] = [updatedAt];
    const columns: Array<[keyof SourcePatch, string]> = [
      ['name', 'name'],
      ['webhookSecret', 'webhook_secret'],
      ['apiKey', 'api_key'],
      ['baseUrl', 'base_url'],
      ['organizationId', 'organization_id'],
    ];
    for (const [key, column] of columns) {
      const v = patch[key];
      if (v === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(v);
    }
    const found = this.db.tx(() => Number(this.db.stmt(`UPDATE sources SET ${sets.join(', ')} WHERE id = ?`).run(...params, id).changes) > 0);
    if (!found) return null;
    this.changed('sources');
    return this.getSource(id);
  }

  async deleteSource(id: string): Promise<boolean> {
    const deleted = this.db.tx(() => Number(this.db.stmt('DELETE FROM sources WHERE id = ?').run(id).changes) > 0);
    if (deleted) this.changed('sources');
    return deleted;
  }

  async createToken(t: TokenRecord): Promise<TokenRecord> {
    this.db.tx(() =>
      this.db
        .stmt('INSERT INTO tokens (id, name, token_hash, sources, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(t.id, t.name, t.tokenHash, JSON.stringify(t.sources), t.createdAt, t.lastUsedAt),
    );
    this.changed('tokens');
    return { ...t, sources: [...t.sources] };
  }

  async listTokens(limit: number, cursor?: string): Promise<Page<TokenRecord>> {
    const rows = this.db.stmt('SELECT * FROM tokens WHERE seq > ? ORDER BY seq LIMIT ?').all(cursor ? decodeCursor(cursor) : 0, limit + 1) as Row[];
    return paged(rows, limit, toToken);
  }

  async deleteToken(id: string): Promise<boolean> {
    const deleted = this.db.tx(() => Number(this.db.stmt('DELETE FROM tokens WHERE id = ?').run(id).changes) > 0);
    if (deleted) this.changed('tokens');
    return deleted;
  }

  async touchTokens(ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    this.db.tx(
      () => this.db.stmt('UPDATE tokens SET last_used_at = ? WHERE id IN (SELECT value FROM json_each(?))').run(now, JSON.stringify(ids)),
      'normal',
    );
  }

  async readSecrets(): Promise<SecretField[]> {
    return secretFields(this.db.stmt(SECRET_QUERIES.subscriptions).all() as Row[], this.db.stmt(SECRET_QUERIES.sources).all() as Row[]);
  }

  async writeSecrets(fields: readonly SecretField[]): Promise<void> {
    if (fields.length === 0) return;
    this.db.tx(() => {
      for (const f of fields) this.db.stmt(updateSecretSql(f, 'sqlite')).run(f.value, f.id);
    });
    forgetReplacedValues(this.db);
    this.changed('subscriptions');
    this.changed('sources');
  }
}
