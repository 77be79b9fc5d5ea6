import { EventEmitter } from 'node:events';
import { StorageError } from '../errors.js';
import type { Bus, BusRecord, ConsumeOptions, Consumer } from '../ports.js';
import { type Db, migrate, openDb, type SqliteSchema } from './db.js';

const SCHEMA = [
  `CREATE TABLE bus_messages (
     topic TEXT NOT NULL,
     offset INTEGER NOT NULL,
     key TEXT NOT NULL,
     value BLOB NOT NULL,
     ts TEXT NOT NULL,
     PRIMARY KEY (topic, offset)
   ) WITHOUT ROWID;
   CREATE TABLE bus_offsets (
     grp TEXT NOT NULL,
     topic TEXT NOT NULL,
     offset INTEGER NOT NULL,
     PRIMARY KEY (grp, topic)
   );`,
];

/** Schema of this store, applied at open (and by `kc migrate`). */
export const BUS_SCHEMA: SqliteSchema = { component: 'bus', steps: SCHEMA };

export interface SqliteBusOptions {
  readonly file: string;
  /** How often an idle consumer polls for messages published by another process, in ms. */
  readonly pollMs?: number;
}

/**
 * The Bus as a durable log in SQLite: one ordered table per topic, committed positions per
 * consumer group. Messages published in this process wake consumers at once; messages from
 * other processes are seen within `pollMs`.
 */
export class SqliteBus implements Bus {
  readonly #db: Db;
  readonly #pollMs: number;
  readonly #wake = new EventEmitter();
  readonly #consumers = new Set<Consumer>();

  static create(options: SqliteBusOptions): SqliteBus {
    if (!options.file) throw new TypeError('SqliteBus needs a file');
    return new SqliteBus(options);
  }

  private constructor(options: SqliteBusOptions) {
    this.#db = openDb(options.file);
    this.#pollMs = options.pollMs ?? 200;
    this.#wake.setMaxListeners(100);
    migrate(this.#db, BUS_SCHEMA);
  }

  async publish(topic: string, messages: readonly { key: string; value: string | Uint8Array }[]): Promise<void> {
    if (messages.length === 0) return;
    const next = this.#db.prepare('SELECT COALESCE(MAX(offset), -1) + 1 AS n FROM bus_messages WHERE topic = ?');
    const insert = this.#db.prepare('INSERT INTO bus_messages (topic, offset, key, value, ts) VALUES (?, ?, ?, ?, ?)');
    const ts = new Date().toISOString();
    try {
      this.#db
        .transaction(() => {
          let offset = (next.get(topic) as { n: number }).n;
          for (const m of messages) {
            const value = typeof m.value === 'string' ? Buffer.from(m.value, 'utf8') : Buffer.from(m.value);
            insert.run(topic, offset++, m.key, value, ts);
          }
        })
        .immediate();
    } catch (err) {
      throw new StorageError(`could not append to topic ${topic}`, err);
    }
    this.#wake.emit(topic);
  }

  async consume(options: ConsumeOptions): Promise<Consumer> {
    if (!options.group || !options.topic) throw new TypeError('consume needs a group and a topic');
    if (!(options.maxBatch > 0)) throw new RangeError('maxBatch must be positive');
    const { group, topic, maxBatch, handler } = options;
    const fetch = this.#db.prepare(
      'SELECT key, value, offset, ts FROM bus_messages WHERE topic = ? AND offset > ? ORDER BY offset LIMIT ?',
    );
    const commit = this.#db.prepare(
      `INSERT INTO bus_offsets (grp, topic, offset) VALUES (?, ?, ?)
       ON CONFLICT (grp, topic) DO UPDATE SET offset = excluded.offset`,
    );
    const committed = () =>
      ((
        this.#db.prepare('SELECT offset FROM bus_offsets WHERE grp = ? AND topic = ?').get(group, topic) as
          | { offset: number }
          | undefined
      )?.offset ?? -1) as number;

    let stopping = false;
    let wakeUp: (() => void) | null = null;
    const onWake = () => wakeUp?.();
    this.#wake.on(topic, onWake);
    let failures = 0;

    const loop = (async () => {
      let position = committed();
      while (!stopping) {
        const rows = fetch.all(topic, position, maxBatch) as {
          key: string;
          value: Buffer;
          offset: number;
          ts: string;
        }[];
        if (rows.length === 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.#pollMs);
            wakeUp = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wakeUp = null;
          continue;
        }
        const batch: BusRecord[] = rows.map((r) => ({
          topic,
          key: r.key,
          value: new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength),
          offset: String(r.offset),
          timestamp: r.ts,
        }));
        try {
          await handler(batch);
          failures = 0;
        } catch (err) {
          // The batch is not committed: it is delivered again after a backoff.
          options.onError?.(err);
          failures++;
          await sleep(Math.min(30_000, 100 * 2 ** Math.min(failures, 8)) * (0.5 + Math.random() / 2));
          continue;
        }
        position = rows[rows.length - 1]!.offset;
        commit.run(group, topic, position);
        // SQLite calls are synchronous, so a backlog would otherwise be worked off without ever
        // returning to the event loop: no timers, no HTTP answers, no signals until it is done.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();

    const consumer: Consumer = {
      stop: async () => {
        stopping = true;
        wakeUp?.();
        await loop;
        this.#wake.off(topic, onWake);
        this.#consumers.delete(consumer);
      },
    };
    this.#consumers.add(consumer);
    return consumer;
  }

  async lag(group: string, topic: string): Promise<number> {
    const row = this.#db
      .prepare(
        `SELECT COUNT(*) AS n FROM bus_messages WHERE topic = ?
           AND offset > COALESCE((SELECT offset FROM bus_offsets WHERE grp = ? AND topic = ?), -1)`,
      )
      .get(topic, group, topic) as { n: number };
    return row.n;
  }

  /** Messages of a topic, for reading dead letters. */
  async read(topic: string, fromOffset = 0, limit = 100): Promise<BusRecord[]> {
    const rows = this.#db
      .prepare(
        'SELECT key, value, offset, ts FROM bus_messages WHERE topic = ? AND offset >= ? ORDER BY offset LIMIT ?',
      )
      .all(topic, fromOffset, limit) as { key: string; value: Buffer; offset: number; ts: string }[];
    return rows.map((r) => ({
      topic,
      key: r.key,
      value: new Uint8Array(r.value),
      offset: String(r.offset),
      timestamp: r.ts,
    }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    this.#db.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
