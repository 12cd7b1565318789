import { ensureKafkaBroker } from './kafka-broker';

/**
 * jest globalSetup: makes one Kafka broker available to the whole run and exports its address
 * to the test workers as KAFKA_BOOTSTRAP. A broker that is already running (named by
 * KAFKA_BOOTSTRAP, or left by `npx jest <file>`) is used as it is, and the teardown leaves it.
 *
 * Wired through global-setup.ts:  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
 *                globalTeardown: '<rootDir>/test/helpers/kafka-global-teardown.ts'
 */
export default async function kafkaGlobalSetup(): Promise<void> {
  const broker = await ensureKafkaBroker();
  process.env.KAFKA_BOOTSTRAP = broker.bootstrap;
  // read by kafka-global-teardown.ts, which jest runs in this same process
  if (broker.started) {
    (globalThis as KafkaGlobal).__kafkaStartedByGlobalSetup = broker.bootstrap;
  }
}

export interface KafkaGlobal {
  __kafkaStartedByGlobalSetup?: string;
}
