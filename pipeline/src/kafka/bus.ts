import { Kafka, type Consumer as KafkaConsumer, type KafkaMessage, logLevel } from 'kafkajs';
import { StorageError } from '../errors.js';
import type { Bus, BusRecord, ConsumeOptions, Consumer } from '../ports.js';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Partitions of topics this bus creates (keys spread over them; order holds per key). */
  readonly partitions?: number;
  /** Prefix of topic and group names: one Kafka can serve several deployments or test runs. */
  readonly prefix?: string;
}

/**
 * The Bus on Apache Kafka (kafkajs 2.2.4, which speaks protocol versions Kafka 4 still accepts).
 * Idempotent producer, keys by post id, topics created with explicit partitions; consumer groups
 * commit only after the handler resolved (at-least-once), and a failed batch is re-read from its
 * first offset after a backoff. Stopping a consumer finishes the batch in flight.
 */
export class KafkaBus implements Bus {
  readonly #kafka: Kafka;
  readonly #prefix: string;
  readonly #partitions: number;
  readonly #producer;
  readonly #admin;
  readonly #topics = new Set<string>();
  readonly #consumers = new Set<Consumer>();

  static async create(options: KafkaBusOptions): Promise<KafkaBus> {
    if (!options.brokers?.length) throw new TypeError('KafkaBus needs at least one broker (KAFKA_BROKERS)');
    const partitions = options.partitions ?? 3;
    if (!(partitions >= 1 && partitions <= 64)) throw new RangeError(`partitions must be 1–64, got ${partitions}`);
    const bus = new KafkaBus(options, partitions);
    try {
      await bus.#admin.connect();
      await bus.#producer.connect();
    } catch (err) {
      throw new StorageError(`cannot reach Kafka at ${options.brokers.join(', ')}`, err);
    }
    return bus;
  }

  private constructor(options: KafkaBusOptions, partitions: number) {
    this.#kafka = new Kafka({
      clientId: options.clientId ?? 'kiem-chung',
      brokers: [...options.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200 },
    });
    this.#prefix = options.prefix ?? '';
    this.#partitions = partitions;
    this.#producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.#admin = this.#kafka.admin();
  }

  async publish(topic: string, messages: readonly { key: string; value: string | Uint8Array }[]): Promise<void> {
    if (messages.length === 0) return;
    const name = await this.#ensureTopic(topic);
    try {
      await this.#producer.send({
        topic: name,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: typeof m.value === 'string' ? Buffer.from(m.value, 'utf8') : Buffer.from(m.value),
        })),
      });
    } catch (err) {
      throw new StorageError(`could not publish to Kafka topic ${name}`, err);
    }
  }

  async consume(options: ConsumeOptions): Promise<Consumer> {
    if (!options.group || !options.topic) throw new TypeError('consume needs a group and a topic');
    if (!(options.maxBatch > 0)) throw new RangeError('maxBatch must be positive');
    const topic = await this.#ensureTopic(options.topic);
    let failures = 0;
    // Stopping waits for the chunks in flight to be handled and committed while this consumer is
    // still a member of the group (kafkajs leaves the group without waiting for them).
    let stopping = false;
    const inFlight = new Set<Promise<unknown>>();
    let current: KafkaConsumer | null = null;
    let relaunchTimer: NodeJS.Timeout | null = null;

    const launch = async (): Promise<void> => {
      const consumer = this.#kafka.consumer({
        groupId: `${this.#prefix}${options.group}`,
        allowAutoTopicCreation: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        retry: { retries: 8, initialRetryTime: 200 },
      });
      current = consumer;
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        options.onError?.(
          new StorageError(
            `Kafka consumer of ${topic} stopped (${payload.error.message}); ${payload.restart ? 'kafkajs restarts it' : 'a new one starts in 5 s'}`,
            payload.error,
          ),
        );
        // kafkajs restarts a consumer only after errors it deems retriable; any other crash would
        // leave this process alive but reading nothing, so a new consumer takes its place.
        if (!payload.restart) relaunchLater();
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Partitions are processed side by side: one batch's Elasticsearch bulk overlaps the next
        // batch's classification. Order still holds per partition, and so per key.
        partitionsConsumedConcurrently: this.#partitions,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const messages = batch.messages;
          const live = () => !stopping && isRunning() && !isStale();
          for (let i = 0; i < messages.length; i += options.maxBatch) {
            if (!live()) return;
            const chunk = messages.slice(i, i + options.maxBatch);
            const records = chunk.map((m) => toRecord(options.topic, m));
            const work = (async () => {
              try {
                await options.handler(records);
                failures = 0;
              } catch (err) {
                // Not committed: read the chunk again from its first offset after a backoff.
                options.onError?.(err);
                failures++;
                return false;
              }
              const last = chunk[chunk.length - 1]!.offset;
              resolveOffset(last);
              await consumer.commitOffsets([
                { topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
              ]);
              return true;
            })();
            inFlight.add(work);
            let ok: boolean;
            try {
              ok = await work;
            } finally {
              inFlight.delete(work);
            }
            if (!ok) {
              // Back off while an engine is down, heartbeating so the group keeps this member
              // (a silent member is dropped after the session timeout and its partitions move).
              const until = Date.now() + Math.min(30_000, 100 * 2 ** Math.min(failures, 8)) * (0.5 + Math.random() / 2);
              while (live() && Date.now() < until) {
                await sleep(Math.min(1_000, until - Date.now()));
                await heartbeat();
              }
              if (!live()) return;
              consumer.seek({ topic, partition: batch.partition, offset: chunk[0]!.offset });
              return;
            }
            await heartbeat();
          }
        },
      });
    };

    const relaunchLater = () => {
      if (stopping || relaunchTimer) return;
      relaunchTimer = setTimeout(async () => {
        relaunchTimer = null;
        if (stopping) return;
        await current?.disconnect().catch(() => {});
        try {
          await launch();
        } catch (err) {
          options.onError?.(new StorageError(`could not start a Kafka consumer of ${topic}; trying again`, err));
          relaunchLater();
        }
      }, 5_000);
    };

    await launch();
    const handle: Consumer = {
      stop: async () => {
        stopping = true;
        if (relaunchTimer) clearTimeout(relaunchTimer);
        await Promise.allSettled([...inFlight]);
        this.#consumers.delete(handle);
        await current?.disconnect();
      },
    };
    this.#consumers.add(handle);
    return handle;
  }

  async lag(group: string, topic: string): Promise<number> {
    const name = await this.#ensureTopic(topic);
    const [ends, committed] = await Promise.all([
      this.#admin.fetchTopicOffsets(name),
      this.#admin.fetchOffsets({ groupId: `${this.#prefix}${group}`, topics: [name] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    let lag = 0n;
    for (const p of ends) {
      const high = BigInt(p.high);
      const low = BigInt(p.low);
      const at = done.get(p.partition) ?? -1n;
      lag += high - (at < 0n ? low : at);
    }
    return Number(lag);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    await this.#producer.disconnect();
    await this.#admin.disconnect();
  }

  async #ensureTopic(topic: string): Promise<string> {
    const name = `${this.#prefix}${topic}`;
    if (this.#topics.has(name)) return name;
    try {
      await this.#admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: name, numPartitions: this.#partitions, replicationFactor: 1 }],
      });
    } catch (err) {
      throw new StorageError(`could not create Kafka topic ${name}`, err);
    }
    this.#topics.add(name);
    return name;
  }
}

function toRecord(topic: string, m: KafkaMessage): BusRecord {
  const value = m.value ?? Buffer.alloc(0);
  return {
    topic,
    key: m.key?.toString('utf8') ?? '',
    value: new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
    offset: m.offset,
    timestamp: new Date(Number(m.timestamp)).toISOString(),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
