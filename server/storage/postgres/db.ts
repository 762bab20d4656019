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

/**
 * Holds a connection's writes until the current run of code ends, then sends them in one socket
 * write: the statements a transaction asks for together leave in one packet instead of one
 * system call each (node-postgres corks each statement's own messages; corks nest).
 */
function writesTogether(stream: pg.Connection['stream']): () => void {
  let corked = false;
  return () => {
    if (corked) return;
    corked = true;
    stream.cork();
    queueMicrotask(() => {
      corked = false;
      stream.uncork();
    });
  };
}

function sqlOver(c: pg.PoolClient): Sql {
  const together = writesTogether(c.connection.stream);
  const query = async (q: pg.QueryConfig & { rowMode?: 'array' }) => {
    together();
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

/** A connection from the pool, shared by the statements asked for while it was being taken. */
class SharedConnection {
  private users = 0;
  private readonly sql: Promise<Sql>;

  /** `taken`: called once the connection is in hand, before any statement goes on it. */
  constructor(
    private readonly client: Promise<pg.PoolClient>,
    taken: () => void,
  ) {
    this.sql = client.then(
      (c) => {
        taken();
        return sqlOver(c);
      },
      (err: unknown) => {
        taken();
        throw err;
      },
    );
  }

  async run<R>(fn: (s: Sql) => Promise<R>): Promise<R> {
    this.users++;
    try {
      return await fn(await this.sql);
    } finally {
      // The pool itself drops a connection that broke under a statement.
      if (--this.users === 0)
        void this.client.then(
          (c) => c.release(),
          () => undefined,
        );
    }
  }
}

/**
 * Statements outside a transaction (each its own) that are asked for while a connection is being
 * taken from the pool share that connection: they go out pipelined, in one write, and wake one
 * backend, where each would take a connection, a write and a wake-up of its own. The reads an
 * inbound message's outcome needs (coalesced.ts) are asked for together like this. Those asked
 * for once the connection is in hand take the next one, so a statement waits on the few asked for
 * with it, never on a queue behind a long one.
 */
function sharedOver(pool: pg.Pool): Sql {
  let gathering: SharedConnection | null = null;
  const on = <R>(fn: (s: Sql) => Promise<R>): Promise<R> => {
    if (!gathering) {
      const shared: SharedConnection = new SharedConnection(pool.connect(), () => {
        if (gathering === shared) gathering = null;
      });
      gathering = shared;
    }
    return gathering.run(fn);
  };
  return {
    rows: (text, args) => on((s) => s.rows(text, args)),
    one: (text, args) => on((s) => s.one(text, args)),
    run: (text, args) => on((s) => s.run(text, args)),
    arrays: (text, args) => on((s) => s.arrays(text, args)),
  };
}

export class Db implements Sql {
  private readonly direct: Sql;

  constructor(readonly pool: pg.Pool) {
    this.direct = sharedOver(pool);
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

  /**
   * One unit of work in one transaction; retried whole on 40001/40P01, so `fn` must only touch the
   * database. Statements `fn` asks for together (Promise.all) go to PostgreSQL in one write and
   * come back in one: each waits on the ones before it, never on a round trip.
   */
  async tx<T>(fn: (s: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        // The client pipelines (openPool): BEGIN goes out with the unit's first statements.
        const sql = sqlOver(client);
        const [, out] = await Promise.all([sql.run('BEGIN'), fn(sql)]);
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

/**
 * How the store's connections plan. Every statement is prepared once per connection (above) and
 * looks rows up by key, most over arrays of keys: left to choose, PostgreSQL plans many of them
 * again at every call for the arrays' actual lengths — measured, 0.4 ms of planning per call and
 * a third of its time per inbound message. A generic plan is made once and assumes ten keys; with
 * random reads costed as on SSDs (PostgreSQL's advice for them; the default 4 is for spinning
 * disks), that plan reads ten keys through their indexes instead of scanning a small table.
 * Set by each connection's first statement, not as startup options: PgBouncer refuses startup
 * settings it does not know.
 */
const PLANNING = `set_config('plan_cache_mode', 'force_generic_plan', false), set_config('random_page_cost', '1.1', false)`;

/**
 * Each connection's first statement: the planning settings, and the schema to read and write
 * when one is set (also not a startup option, for the same reason: PgBouncer 1.18 refused
 * `options=-c search_path=…` and the node could not connect).
 */
const firstStatement = (schema: string | undefined) =>
  schema === undefined
    ? `SELECT ${PLANNING}`
    : { text: `SELECT set_config('search_path', $1, false), ${PLANNING}`, values: [schema] };

export function openPool(o: { url: string; schema?: string; poolSize?: number }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.poolSize ?? 10,
    // A statement is sent without waiting for the answers to those before it on the connection
    // (node-postgres's pipeline mode; PostgreSQL runs them in order): a transaction pays a round
    // trip for each step that needs an earlier step's answer, not one per statement. On a loaded
    // machine each round trip is a wake-up of the node and of a backend.
    pipeline: true,
    types: typeParsers,
  });
  const first = firstStatement(o.schema);
  // The server may end a connection while it is checked out between two statements, or the moment
  // it is handed out (an operator's pg_terminate_backend, a failover). The client then emits
  // 'error', which the pool hears only on idle clients and which, unheard, ends the process. Heard
  // here from the client's first moment: the statement under way or the next one fails with it,
  // and the pool drops the client when it comes back (it is no longer queryable).
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    // Queued before anything the pool hands the connection out for (and pipelined with it), so
    // every connection of the pool reads and writes the schema only. A failure here is the
    // connection's (the statement after it meets it too); a connection left on another schema
    // is ended rather than used.
    client.query(first).catch(() => client.end().catch(() => undefined));
  });
  return pool;
}

export { json, newId } from '../rows';
