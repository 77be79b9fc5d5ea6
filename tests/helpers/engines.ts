/**
 * Stopping and starting the test engines for the fault tests. Only the engines this project
 * manages (infra/engines, the ones the global setup or `npm run engines:start` started) can be
 * stopped: a broker or node someone else runs is refused with the reason, never silently skipped.
 * The fault tests run after every other test (vitest project `faults`, groupOrder 1), one file at
 * a time, so an engine they stop takes no other test down with it.
 */
import { type EngineName, engineStatus, startEngines, stopEngines } from '../../infra/engines/engines.js';

function ports(): { kafkaPort: number; esPort: number } {
  const brokers = process.env.KAFKA_BROKERS;
  const node = process.env.ELASTICSEARCH_URL;
  if (!brokers || !node) throw new Error('KAFKA_BROKERS and ELASTICSEARCH_URL must be set by the global setup');
  return { kafkaPort: Number(brokers.split(',')[0]!.split(':').pop()), esPort: Number(new URL(node).port) };
}

const log = (line: string) => process.stderr.write(`[engines] ${line}\n`);

/** Fails with the reason unless `engine` at the tests' address is one this project manages. */
export async function assertManaged(engine: EngineName): Promise<void> {
  const [status] = await engineStatus({ which: [engine], ...ports() });
  if (!status?.running) {
    throw new Error(
      `the fault tests stop and restart ${engine}, so it must be the one the project manages ` +
        `(unset KAFKA_BROKERS/ELASTICSEARCH_URL, or run npm run engines:start); status: ${status?.detail}`,
    );
  }
}

export async function stopEngine(engine: EngineName): Promise<void> {
  await assertManaged(engine);
  const [r] = await stopEngines({ which: [engine], ...ports(), log });
  if (!r?.wasRunning) throw new Error(`${engine} was not running`);
}

/** Starts `engine` again on the same port and data, and waits until it is healthy. */
export async function startEngine(engine: EngineName): Promise<void> {
  await startEngines({ which: [engine], ...ports(), log });
}
