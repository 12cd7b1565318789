import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HealthCheck, PageAuth, StatusPage, StatusPageProps } from '../../src';
import { unacknowledgedNagFindings } from '../helpers/nag';

// cdk-nag v2 (Aspects + metadata acknowledgments); see README "Security".
function nagged(extra: (stack: Stack) => Partial<StatusPageProps> = () => ({})) {
  const app = new App();
  const stack = new Stack(app, 'NagStack');
  new StatusPage(stack, 'Status', {
    checks: [
      HealthCheck.http('web', { url: 'https://www.example.com/' }),
      HealthCheck.tcp('db', { host: 'db.internal', port: 5432 }),
    ],
    ...extra(stack),
  });
  return { stack, findings: unacknowledgedNagFindings(app, stack) };
}

describe('cdk-nag AwsSolutions on StatusPage', () => {
  test('default page (proxy header, generated secret): no unacknowledged finding', () => {
    expect(nagged().findings).toEqual([]);
  });

  test('checker in a VPC with a notification topic: no unacknowledged finding', () => {
    expect(nagged((stack) => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, flowLogs: { all: {} } }),
      notificationTopic: new sns.Topic(stack, 'Topic', { enforceSSL: true }),
    })).findings).toEqual([]);
  });

  test('notification topic encrypted with your key: no unacknowledged finding', () => {
    expect(nagged((stack) => ({
      notificationTopic: new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }),
    })).findings).toEqual([]);
  });

  test('public page: no unacknowledged finding', () => {
    expect(nagged(() => ({ auth: PageAuth.none() })).findings).toEqual([]);
  });

  test('every acknowledgment carries a reason a reviewer can check', () => {
    const { stack } = nagged();
    const template = JSON.parse(JSON.stringify(stack.resolve((stack as any)._toCloudFormation())));
    const reasons = Object.values(template.Resources as Record<string, any>)
      .flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) {
      expect(r.id).toMatch(/^AwsSolutions-/);
      expect(r.reason.length).toBeGreaterThan(60);
    }
  });
});
