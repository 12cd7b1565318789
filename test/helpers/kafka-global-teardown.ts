import { stopKafka } from './kafka-broker';
import type { KafkaGlobal } from './kafka-global-setup';

/** jest globalTeardown: stops the broker only when kafka-global-setup.ts started it. */
export default async function kafkaGlobalTeardown(): Promise<void> {
  const started = (globalThis as KafkaGlobal).__kafkaStartedByGlobalSetup;
  if (started) {
    delete (globalThis as KafkaGlobal).__kafkaStartedByGlobalSetup;
    await stopKafka(started);
  }
}
