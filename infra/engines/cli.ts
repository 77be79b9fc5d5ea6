/**
 * tsx infra/engines/cli.ts start|stop|status [--only kafka|elasticsearch] [--kafka-port N] [--es-port N] [--home DIR]
 *
 * `start` prints the addresses as KEY=value lines on stdout (progress goes to stderr), so a shell can load them with
 * `eval "$(tsx infra/engines/cli.ts start)"`. Exit code 0 on success; for `status`, 0 only when every selected
 * engine is running and healthy.
 */
import { parseArgs } from 'node:util';
import {
  ENGINE_NAMES,
  ENGINE_VERSIONS,
  type EngineName,
  EnginesError,
  type EnginesOptions,
  engineStatus,
  enginesHome,
  startEngines,
  stopEngines,
} from './engines.js';

const USAGE = `Usage: tsx infra/engines/cli.ts <start|stop|status> [options]

Starts/stops a local Apache Kafka ${ENGINE_VERSIONS.kafka} broker and Elasticsearch ${ENGINE_VERSIONS.elasticsearch} node
(no Docker; downloaded once from Maven Central into $KC_ENGINES_HOME or ~/.cache/kiem-chung/engines).

Options:
  --only <engine>     kafka or elasticsearch (repeatable; default: both)
  --kafka-port <n>    Kafka broker port (default 9092; the controller uses n+1)
  --es-port <n>       Elasticsearch HTTP port (default 9200; transport uses n+100)
  --home <dir>        cache/state directory
  --timeout <s>       seconds to wait for each engine to become healthy (default 180)
  -h, --help          this help`;

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new EnginesError(`${flag} must be a TCP port, got "${value}"`);
  return n;
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new EnginesError(`--timeout must be a positive number of seconds, got "${value}"`);
  return n * 1000;
}

function mib(bytes: number | null): string {
  return bytes === null ? '-' : `${Math.round(bytes / 1024 / 1024)} MiB`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      only: { type: 'string', multiple: true },
      'kafka-port': { type: 'string' },
      'es-port': { type: 'string' },
      home: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  for (const name of values.only ?? []) {
    if (!ENGINE_NAMES.includes(name as EngineName)) throw new EnginesError(`--only expects kafka or elasticsearch`);
  }
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const options: EnginesOptions = {
    which: values.only as EngineName[] | undefined,
    home: values.home,
    kafkaPort: port(values['kafka-port'], '--kafka-port'),
    esPort: port(values['es-port'], '--es-port'),
    timeoutMs: seconds(values.timeout),
    // Progress on stderr keeps stdout clean for eval.
    log: (line) => console.error(`[${elapsed().padStart(6)}] ${line}`),
  };

  switch (command) {
    case 'start': {
      console.error(`kc engines: starting (home ${enginesHome(options)})`);
      const result = await startEngines(options);
      const statuses = await engineStatus(options);
      console.log(`KAFKA_BROKERS=${result.kafkaBrokers}`);
      console.log(`ELASTICSEARCH_URL=${result.elasticsearchUrl}`);
      for (const s of statuses) {
        // Shell comments, so `eval` of this output stays valid.
        console.log(`# ${s.engine} ${s.version}: pid ${s.pid ?? '-'}, rss ${mib(s.rssBytes)}, log ${s.logFile}`);
      }
      console.error(`kc engines: ready in ${elapsed()}`);
      return 0;
    }
    case 'stop': {
      const results = await stopEngines(options);
      for (const r of results) {
        const how = r.forced ? ' (SIGKILL after grace period)' : '';
        console.log(`${r.engine}: ${r.wasRunning ? `stopped pid ${r.pids.join(', ')}${how}` : 'was not running'}`);
      }
      return 0;
    }
    case 'status': {
      const statuses = await engineStatus(options);
      for (const s of statuses) {
        console.log(
          `${s.engine.padEnd(14)}${(s.running ? 'running' : 'stopped').padEnd(9)}pid ${String(s.pid ?? '-').padEnd(8)}` +
            `${s.address.padEnd(24)}${(s.healthy ? 'healthy' : 'unhealthy').padEnd(11)}rss ${mib(s.rssBytes).padEnd(9)}` +
            `${s.detail}`,
        );
        console.log(`${''.padEnd(14)}log ${s.logFile}`);
      }
      return statuses.every((s) => s.running && s.healthy) ? 0 : 1;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Our own errors already say what to do; a stack trace would only bury that.
    console.error(err instanceof EnginesError ? `error: ${err.message}` : err);
    process.exitCode = 1;
  },
);
