import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HealthCheck, MaintenanceWindow, PageAuth, PageTemplate, StatusPage, StatusPageProps } from '../../src';
import { environmentSizeBytes } from '../../src/private/lambda-environment-size';
import { StatusPageConfig } from '../../src/status-page/runtime/model';

const checks = [
  HealthCheck.http('orders-api', { url: 'https://orders.example.com/health', bodyContains: 'ok' }),
  HealthCheck.tcp('postgres', { host: 'db.internal', port: 5432 }),
];

function synth(props: Partial<StatusPageProps> = {}, setup?: (stack: Stack) => Partial<StatusPageProps>) {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const extra = setup ? setup(stack) : {};
  const page = new StatusPage(stack, 'Status', { checks, ...props, ...extra });
  return { app, stack, page, template: Template.fromStack(stack) };
}

/** Every IAM statement in the template, flattened. */
function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** Reads the config.json the construct ships in its layer, from the synthesized asset. */
function shippedConfig(app: App, template: Template): StatusPageConfig {
  const layer = Object.values(template.findResources('AWS::Lambda::LayerVersion'))[0] as any;
  const key: string = layer.Metadata['aws:asset:path'];
  const dir = path.join(app.outdir, key);
  return JSON.parse(fs.readFileSync(path.join(dir, 'status-page', 'config.json'), 'utf8'));
}

describe('StatusPage resources', () => {
  test('checker runs every minute by default, renderer sits behind a REST API', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      // compressed bodies come base64-encoded from the renderer: API Gateway decodes them only for binary types
      BinaryMediaTypes: ['*/*'],
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })],
    });
  });

  test('the API exposes GET and HEAD on /, /status.json, /feed.atom and /badge/{name}, all Lambda proxy', () => {
    const { template } = synth();
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((r: any) => r.Properties.PathPart);
    expect(paths.sort()).toEqual(['badge', 'feed.atom', 'status.json', '{name}']);
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as any[];
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(['GET', 'GET', 'GET', 'GET', 'HEAD', 'HEAD', 'HEAD', 'HEAD']);
    for (const m of methods) {
      expect(m.Properties.Integration.Type).toBe('AWS_PROXY');
    }
  });

  test('custom interval drives schedule, Lambda timeout and alarm periods', () => {
    const { template } = synth({ checkInterval: Duration.minutes(5) });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('checker'),
      Timeout: 295,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RunsRecorded', Period: 300, TreatMissingData: 'breaching' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Period: 300, EvaluationPeriods: 2 });
  });

  test('table: pay per request, PITR, TTL, encrypted, retained by default', () => {
    const { template } = synth();
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      }),
    });
  });

  test('removalPolicy DESTROY is honoured for the created table', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  test('a table brought by the user is used and no table is created', () => {
    const { template } = synth({}, (stack) => ({
      table: dynamodb.Table.fromTableName(stack, 'Existing', 'my-status-table'),
    }));
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STATUS_TABLE_NAME: 'my-status-table' }) },
    });
  });

  test.each([
    ['Table', (stack: Stack) => new dynamodb.Table(stack, 'Mine', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING } })],
    ['TableV2', (stack: Stack) => new dynamodb.TableV2(stack, 'Mine', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING } })],
  ])('a %s defined in the app with the keys pk and sk passes the key check and is used', (_kind, make) => {
    const { template, page } = synth({}, (stack) => ({ table: make(stack) }));
    expect(page.table.node.id).toBe('Mine');
    const variables = Object.values(template.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Environment.Variables.STATUS_TABLE_NAME);
    expect(variables).toEqual([{ Ref: expect.stringMatching(/^Mine/) }, { Ref: expect.stringMatching(/^Mine/) }]);
  });

  test('logs are kept three months by default, Lambdas write only to their own log group', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.allResourcesProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: Match.anyValue() },
      Architectures: ['arm64'],
      Runtime: 'nodejs22.x',
    });
  });
});

describe('StatusPage logRetention', () => {
  test.each([
    ['outside a VPC', undefined],
    ['with the checker in a VPC', (stack: Stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) })],
  ])('applies to every log group the page creates (%s)', (_name, setup) => {
    const { template } = synth({ logRetention: logs.RetentionDays.ONE_WEEK }, setup);
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });
});

describe('StatusPage least privilege', () => {
  test('no managed policies and no wildcard actions or data resources', () => {
    const { template } = synth();
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as any[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    for (const s of statements(template)) {
      const actions: string[] = [].concat(s.Action);
      for (const action of actions) {
        expect(action).not.toMatch(/\*/);
      }
      expect([].concat(s.Resource)).not.toContain('*');
    }
  });

  test('checker writes to the table, renderer only reads it', () => {
    const { template } = synth();
    const policies = template.findResources('AWS::IAM::Policy');
    const byRole = (roleFragment: string) => Object.values(policies)
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(roleFragment))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .flatMap((s: any) => [].concat(s.Action));
    const checkerActions = byRole('CheckerRole');
    const rendererActions = byRole('RendererRole');
    // exactly the calls the handlers make (test/iam/status-page-iam.test.ts proves them)
    expect(checkerActions.filter((a: string) => a.startsWith('dynamodb:')).sort())
      .toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    // by key in batches; Query for the incidents and status changes of the last 14 days
    expect(rendererActions.filter((a: string) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(rendererActions).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
    expect(checkerActions).not.toContain('secretsmanager:GetSecretValue');
    expect(checkerActions).not.toContain('dynamodb:Scan');
  });

  test('the secret never appears in the environment: only its ARN and the header name do', () => {
    const { template } = synth();
    const renderer = Object.values(template.findResources('AWS::Lambda::Function'))
      .find((f: any) => f.Properties.Description.includes('renderer')) as any;
    const vars = renderer.Properties.Environment.Variables;
    expect(vars.STATUS_AUTH_HEADER_NAME).toBe('x-status-page-auth');
    expect(vars.STATUS_AUTH_SECRET_ARN.Ref).toMatch(/ProxyHeaderSecret/);
    expect(Object.keys(vars).sort()).toEqual(['AWS_NODEJS_CONNECTION_REUSE_ENABLED', 'STATUS_AUTH_HEADER_NAME', 'STATUS_AUTH_SECRET_ARN', 'STATUS_CONFIG_PATH', 'STATUS_TABLE_NAME', 'STATUS_TEMPLATE_PATH']);
  });
});

describe('StatusPage auth modes', () => {
  test('default: a generated secret and header x-status-page-auth', () => {
    const { template, page } = synth();
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
    expect(page.authHeaderName).toBe('x-status-page-auth');
    expect(page.authSecret).toBeDefined();
  });

  test('a secret brought by the user and a custom header name (lowercased)', () => {
    const { template, page } = synth({}, (stack) => ({
      auth: PageAuth.proxyHeader({
        headerName: 'X-Proxy-Token',
        secret: secretsmanager.Secret.fromSecretNameV2(stack, 'Given', 'proxy-token'),
      }),
    }));
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(page.authHeaderName).toBe('x-proxy-token');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STATUS_AUTH_HEADER_NAME: 'x-proxy-token' }) },
    });
  });

  test('PageAuth.none() makes a public page with no secret at all', () => {
    const { template, page } = synth({ auth: PageAuth.none() });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(page.authSecret).toBeUndefined();
    const vars = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f: any) => f.Properties.Environment.Variables);
    for (const v of vars) {
      expect(v.STATUS_AUTH_SECRET_ARN).toBeUndefined();
    }
  });
});

describe('StatusPage config shipped to the Lambdas', () => {
  test('checks, thresholds and interval land in the layer, not in environment variables', () => {
    const { app, template } = synth({ failureThreshold: 3, successThreshold: 2, title: 'Acme status' });
    const config = shippedConfig(app, template);
    expect(config.title).toBe('Acme status');
    expect(config.failureThreshold).toBe(3);
    expect(config.successThreshold).toBe(2);
    expect(config.intervalSeconds).toBe(60);
    expect(config.checks.map((c) => c.name)).toEqual(['orders-api', 'postgres']);
    expect(config.checks[0]).toMatchObject({ kind: 'http', url: 'https://orders.example.com/health', bodyContains: 'ok', certExpiryWarningDays: 14 });
    expect(config.checks[1]).toMatchObject({ kind: 'tcp', host: 'db.internal', port: 5432, timeoutMs: 10_000 });
    const envJson = JSON.stringify(Object.values(template.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Environment));
    expect(envJson).not.toContain('orders.example.com');
  });

  test('1,000 checks synthesize, and the environment stays far below the 4 KB limit', () => {
    const many = Array.from({ length: 1000 }, (_, i) => HealthCheck.http(`service-${i}`, {
      url: `https://service-${i}.example.com/health`,
      timeout: Duration.seconds(5),
    }));
    const { app, template, page } = synth({ checks: many, probeConcurrency: 200 });
    expect(shippedConfig(app, template).checks).toHaveLength(1000);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')) as any[]) {
      expect(JSON.stringify(fn.Properties.Environment).length).toBeLessThan(1024);
    }
    // The synth-time estimate the construct checks (deploy-time values at 128 bytes each) agrees.
    for (const fn of [page.checkerFunction, page.rendererFunction]) {
      expect(environmentSizeBytes(fn as lambda.Function)).toBeLessThan(1024);
    }
  });

  test('1,000 checks with the default props: the concurrency is sized from the checks (every check at once, at most 256)', () => {
    const many = Array.from({ length: 1000 }, (_, i) => HealthCheck.http(`service-${i}`, { url: `https://service-${i}.example.com/health` }));
    const large = synth({ checks: many });
    expect(shippedConfig(large.app, large.template).concurrency).toBe(256);
    // One vCPU for the checker at 1,000 checks (Lambda's CPU share grows with memory).
    expect(large.stack.resolve((large.page.checkerFunction.node.defaultChild as lambda.CfnFunction).memorySize)).toBe(1769);
    const few = Array.from({ length: 40 }, (_, i) => HealthCheck.tcp(`db-${i}`, { host: 'db.internal', port: 5432 }));
    const { app, template } = synth({ checks: few });
    const config = shippedConfig(app, template);
    expect(config.concurrency).toBe(40);
    expect(template.findResources('AWS::Lambda::Function', { Properties: { MemorySize: 512, Description: Match.stringLikeRegexp('checker') } })).not.toEqual({});
    expect(config.degradedThreshold).toBe(2);
    expect(config.maintenance).toBeUndefined();
  });

  test('maintenance windows and renames ship in the config', () => {
    const renamed = HealthCheck.tcp('db-primary', { host: 'db.internal', port: 5432, renamedFrom: 'postgres' });
    const window = MaintenanceWindow.of('db-upgrade', {
      message: 'Database upgrade', start: '2026-03-10T23:00:00+01:00', end: '2026-03-10T23:30:00Z', checks: ['db-primary'],
    });
    const { app, template } = synth({ checks: [renamed], maintenance: [window], degradedThreshold: 3 });
    const config = shippedConfig(app, template);
    expect(config.checks[0]).toMatchObject({ name: 'db-primary', renamedFrom: 'postgres' });
    expect(config.degradedThreshold).toBe(3);
    expect(config.maintenance).toEqual([{
      id: 'db-upgrade', message: 'Database upgrade', checks: ['db-primary'], start: '2026-03-10T22:00:00.000Z', end: '2026-03-10T23:30:00.000Z',
    }]);
  });

  test('grantIncidentWrite lets an operator role query, put and delete the incident items only', () => {
    const stack = new Stack(new App(), 'S');
    const page = new StatusPage(stack, 'Status', { checks });
    page.grantIncidentWrite(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .find((p: any) => p.Properties.Roles?.some((r: any) => r.Ref?.startsWith('Operator'))) as any;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
      Action: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['incidents'] } },
    })]);
  });

  test('a custom template ships next to the config', () => {
    const { app, template } = synth({ template: PageTemplate.fromString('<h1>{{title}}</h1>') });
    const layer = Object.values(template.findResources('AWS::Lambda::LayerVersion'))[0] as any;
    const dir = path.join(app.outdir, layer.Metadata['aws:asset:path']);
    expect(fs.readFileSync(path.join(dir, 'status-page', 'template.mustache'), 'utf8')).toBe('<h1>{{title}}</h1>');
  });
});

describe('StatusPage options', () => {
  test('notification topic: env var and publish grant', () => {
    const { template } = synth({}, (stack) => ({ notificationTopic: new sns.Topic(stack, 'Topic') }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STATUS_TOPIC_ARN: { Ref: Match.stringLikeRegexp('Topic') } }) },
    });
    expect(statements(template).some((s) => [].concat(s.Action).includes('sns:Publish' as never))).toBe(true);
  });

  test('checker in a VPC uses private subnets and a security group; renderer stays outside', () => {
    const { template } = synth({}, (stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) }));
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const checker = fns.find((f) => f.Properties.Description.includes('checker'));
    const renderer = fns.find((f) => f.Properties.Description.includes('renderer'));
    expect(checker.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    expect(JSON.stringify(checker.Properties.VpcConfig.SubnetIds)).toMatch(/PrivateSubnet/);
    expect(checker.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
    expect(renderer.Properties.VpcConfig).toBeUndefined();
    expect(statements(template).some((s) => [].concat(s.Action).includes('ec2:CreateNetworkInterface' as never))).toBe(true);
  });

  test('checker in the VPC subnets the user selects', () => {
    const { template } = synth({}, (stack) => ({
      vpc: new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      }),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    }));
    const checker = (Object.values(template.findResources('AWS::Lambda::Function')) as any[])
      .find((f) => f.Properties.Description.includes('checker'));
    expect(JSON.stringify(checker.Properties.VpcConfig.SubnetIds)).toMatch(/isolated/i);
  });
});

describe('StatusPage snapshot tripwire', () => {
  test('resource types and counts of a default page', () => {
    const { template } = synth();
    const counts: Record<string, number> = {};
    for (const r of Object.values(template.toJSON().Resources) as any[]) {
      counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    }
    expect(counts).toMatchSnapshot();
  });
});
