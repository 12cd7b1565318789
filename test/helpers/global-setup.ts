import { chromiumExecutablePath } from './chromium';
import kafkaGlobalSetup from './kafka-global-setup';

/**
 * jest globalSetup: one Kafka broker for the whole run (kafka-global-setup.ts), and Chromium
 * unpacked once here, so that parallel test workers never unpack it into the same path at once.
 */
export default async function globalSetup(): Promise<void> {
  process.env.CHROMIUM_EXECUTABLE_PATH = chromiumExecutablePath();
  await kafkaGlobalSetup();
}
