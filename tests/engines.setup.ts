/**
 * vitest global setup: the suite runs against a real Kafka broker and a real Elasticsearch node.
 * When KAFKA_BROKERS and ELASTICSEARCH_URL are not set, the project starts its own (infra/engines,
 * from Maven Central). Without Java or Maven this fails, saying how to get them: a run that
 * quietly skips the engines would be a failing run.
 */
import { startEngines, stopEngines } from '../infra/engines/engines.js';

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS && process.env.ELASTICSEARCH_URL) return async () => {};
  const started = Date.now();
  const engines = await startEngines({ log: (line) => process.stderr.write(`[engines] ${line}\n`) });
  process.env.KAFKA_BROKERS = engines.kafkaBrokers;
  process.env.ELASTICSEARCH_URL = engines.elasticsearchUrl;
  process.stderr.write(
    `[engines] Kafka ${engines.kafkaBrokers}, Elasticsearch ${engines.elasticsearchUrl} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  // CI leaves no engine behind; on a developer's machine they keep running for the next run.
  return async () => {
    if (process.env.CI) await stopEngines({ log: (line) => process.stderr.write(`[engines] ${line}\n`) });
  };
}
