// The PostgreSQL connection: one pool, the few query shapes every module uses, and `tx`, which
// runs a unit of work on one client between BEGIN and COMMIT and runs it again when PostgreSQL
// aborted it for a serialization failure or a deadlock (the work is whole or absent, never half).
import pg from 'pg';

/** What a module reads and writes through: the pool (autocommit) or a transaction's client. */
export interface Sql {
  rows<T = Row>(text: string, args?: unknown[]): Promise<T[]>;
  one<T = Row>(text: string, args?: unknown[]): Promise<T | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(text: string, args?: unknown[]): Promise<number>;
  /** Rows as arrays of text (`rowMode: 'array'`): the cheapest read, for the event log's replay. */
  arrays(text: string, args?: unknown[]): Promise<unknown[][]>;
}

export type Row = Record<string, any>;

/** SQLSTATEs after which the whole transaction can simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

// BIGINT (count(*), seqs, ms timestamps) and NUMERIC (sum of BIGINT) come back as strings by
// default; every one the store reads fits a double, and the records want numbers.
const INT8 = 20;
const NUMERIC = 1700;
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid);
  },
} as pg.CustomTypesConfig;

/**
 * A constraint violation in SQLite's words, which the layers above recognise ("UNIQUE constraint
 * failed": a number that belongs to another lead, a template that exists); the SQLSTATE stays in `code`.
 */
function inSqliteWords(err: unknown): unknown {
  const e = err as pg.DatabaseError;
  const words = e?.code === '23505' ? 'UNIQUE' : e?.code === '23503' ? 'FOREIGN KEY' : null;
  if (!words) return err;
  return Object.assign(
    new Error(`${words} constraint failed: ${e.table ?? '?'} (${e.detail ?? e.message})`, { cause: err }),
    {
      code: e.code,
    },
  );
}

/**
 * Statements are prepared once per connection, under a name made from their text: PostgreSQL then
 * parses and plans each shape once per connection instead of at every call (an inbound message
 * runs about forty statements). Bounded: texts past the first PREPARED_AT_MOST (an IN list of an
 * unusual length, say) run unnamed, as before.
 */
const PREPARED_AT_MOST = 2_000;
const statementNames = new Map<string, string>();
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < PREPARED_AT_MOST) {
    name = `converse_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

function sqlOver(c: pg.Pool | pg.PoolClient): Sql {
  const query = async (q: pg.QueryConfig & { rowMode?: 'array' }) => {
    try {
      return await c.query({ ...q, name: statementName(q.text) } as pg.QueryConfig);
    } catch (err) {
      throw inSqliteWords(err);
    }
  };
  return {
    async rows<T>(text: string, values: unknown[] = []) {
      return (await query({ text, values })).rows as T[];
    },
    async one<T>(text: string, values: unknown[] = []) {
      return (await query({ text, values })).rows[0] as T | undefined;
    },
    async run(text: string, values: unknown[] = []) {
      return (await query({ text, values })).rowCount ?? 0;
    },
    async arrays(text: string, values: unknown[] = []) {
      return (await query({ text, values, rowMode: 'array' })).rows as unknown[][];
    },
  };
}

export class Db implements Sql {
  private readonly direct: Sql;

  constructor(readonly pool: pg.Pool) {
    this.direct = sqlOver(pool);
  }

  rows<T = Row>(text: string, args?: unknown[]) {
    return this.direct.rows<T>(text, args);
  }
  one<T = Row>(text: string, args?: unknown[]) {
    return this.direct.one<T>(text, args);
  }
  run(text: string, args?: unknown[]) {
    return this.direct.run(text, args);
  }
  arrays(text: string, args?: unknown[]) {
    return this.direct.arrays(text, args);
  }

  /** One unit of work in one transaction; retried whole on 40001/40P01, so `fn` must only touch the database. */
  async tx<T>(fn: (s: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const out = await fn(sqlOver(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        const code = (err as { code?: string }).code;
        if (!(code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS)) throw err;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: it leaves the pool.
        client.release(broken);
      }
    }
  }
}

/** A schema name as it may appear unquoted in `search_path` and in SQL. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema))
    throw new RangeError(
      `Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and underscores (at most 63, not starting with a digit).`,
    );
}

/** The values of one field of each record, in order: a column for a statement over unnest($n::type[]). */
export const columns =
  <T>(records: readonly T[]) =>
  <K extends keyof T>(k: K): T[K][] =>
    records.map((r) => r[k]);

export function openPool(o: { url: string; schema?: string; poolSize?: number }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.poolSize ?? 10,
    types: typeParsers,
    // Every connection of the pool reads and writes this schema only.
    ...(o.schema ? { options: `-c search_path=${o.schema}` } : {}),
  });
  // The server may end a connection while it is checked out between two statements, or the moment
  // it is handed out (an operator's pg_terminate_backend, a failover). The client then emits
  // 'error', which the pool hears only on idle clients and which, unheard, ends the process. Heard
  // here from the client's first moment: the statement under way or the next one fails with it,
  // and the pool drops the client when it comes back (it is no longer queryable).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export { json, newId } from '../rows';
