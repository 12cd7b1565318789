import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs cdk-nag v2's AwsSolutions pack over `stack` (Aspects; acknowledgments are resource
 * metadata) and returns every finding no acknowledgment covers, as "path: rule: text".
 */
export function unacknowledgedNagFindings(app: App, stack: Stack): string[] {
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((m) => `${m.id}: ${String(m.entry.data).slice(0, 200)}`);
}
