#!/usr/bin/env node
// Entry point of the `status-page-incident` command (bundled by esbuild into assets/ and shipped
// as the package's bin): posts and updates incidents with the operator's own AWS credentials.
// Logic lives in runtime/incident-command.ts. The AWS SDK is bundled: devDependencies on purpose.
import { USAGE, UsageError, runIncidentCommand } from './runtime/incident-command';
import { createDocumentClient } from '../shared/runtime/aws-clients';

runIncidentCommand(process.argv.slice(2), {
  doc: createDocumentClient(),
  env: process.env,
  now: () => new Date(),
  out: (line) => console.log(line),
}).catch((error: Error) => {
  console.error(`status-page-incident: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
