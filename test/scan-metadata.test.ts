import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EngineCapacity, HealthCheck, KafkaBus, PageAuth, StatusPage, StreamEnginePipeline } from '../src';

// Every checkov / cfn-lint skip the constructs write (src/private/scanner-skips.ts) must say why.
// scripts/scan/scan-templates.sh runs the scanners themselves on the example templates; this test
// needs no PyPI and checks the reasons on stacks like the examples (and a few other variants).
const MIN_REASON = 40;
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');

function newStack(): Stack {
  return new Stack(new App(), 'ScanStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function statusPageStack(withVpc: boolean): Stack {
  const stack = newStack();
  new StatusPage(stack, 'Status', {
    checks: [HealthCheck.http('website', { url: 'https://www.example.com/' }), HealthCheck.tcp('db', { host: 'db.example.com', port: 5432 })],
    auth: PageAuth.proxyHeader({ headerName: 'x-status-page-auth' }),
    notificationTopic: new sns.Topic(stack, 'Alerts'),
    ...(withVpc ? { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) } : {}),
  });
  return stack;
}

function pipelineStack(bus: KafkaBus): Stack {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const pipeline = new StreamEnginePipeline(stack, 'Media', { vpc, bus, pipelineName: 'media' });
  pipeline.addStreamEngine('transcriber', { image });
  pipeline.addObjectEngine('faces', { image, capacity: EngineCapacity.fargateSpot() });
  pipeline.addObjectEngine('labels', { image });
  return stack;
}

interface Skip { readonly resource: string; readonly scanner: string; readonly id: string; readonly reason: unknown }

function skipsOf(stack: Stack): Skip[] {
  const skips: Skip[] = [];
  for (const [name, resource] of Object.entries<any>(Template.fromStack(stack).toJSON().Resources)) {
    for (const s of resource.Metadata?.checkov?.skip ?? []) {
      skips.push({ resource: name, scanner: 'checkov', id: s.id, reason: s.comment });
    }
    const lint = resource.Metadata?.['cfn-lint'];
    for (const id of lint?.config?.ignore_checks ?? []) {
      skips.push({ resource: name, scanner: 'cfn-lint', id, reason: lint.reasons?.[id] });
    }
  }
  return skips;
}

const variants: Array<[string, () => Stack]> = [
  ['StatusPage (as in the example)', () => statusPageStack(false)],
  ['StatusPage in a VPC', () => statusPageStack(true)],
  ['StreamEnginePipeline on MSK Serverless (as in the example)', () => pipelineStack(KafkaBus.serverless())],
  ['StreamEnginePipeline on MSK provisioned', () => pipelineStack(KafkaBus.provisioned())],
];

describe.each(variants)('scanner skips in %s', (_name, build) => {
  const skips = skipsOf(build());

  test('there are skips to check', () => {
    expect(skips.length).toBeGreaterThan(0);
  });

  test(`every skip has a known rule id and a reason of at least ${MIN_REASON} characters`, () => {
    const bad = skips.filter((s) =>
      typeof s.reason !== 'string' || s.reason.trim().length < MIN_REASON
      || !(s.scanner === 'checkov' ? /^CKV2?_AWS_\d+$/ : /^[EWI]\d{4}$/).test(s.id));
    expect(bad).toEqual([]);
  });
});

test('skips merge with the cdk-nag acknowledgments on the same resource', () => {
  const resources = Template.fromStack(statusPageStack(false)).findResources('AWS::ApiGateway::Method');
  expect(Object.keys(resources).length).toBeGreaterThan(0);
  for (const method of Object.values<any>(resources)) {
    expect(method.Metadata.checkov.skip.map((s: any) => s.id)).toContain('CKV_AWS_59');
    expect(method.Metadata.cdk_nag.rules_to_suppress.map((s: any) => s.id)).toContain('AwsSolutions-APIG4');
  }
});
