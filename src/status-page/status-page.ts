import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CheckerFunction } from './checker-function';
import { HealthCheck } from './health-check';
import { MaintenanceWindow } from './maintenance-window';
import { PageAuth } from './page-auth';
import { PageTemplate } from './page-template';
import { MAX_PROBE_CONCURRENCY, checkerMemoryMiB, defaultProbeConcurrency } from './probe-concurrency';
import { RendererFunction } from './renderer-function';
import { configLayer } from '../private/handler-config';
import { libraryFunction } from '../private/library-function';
import { logGroupWithRetention } from '../private/log-group';
import { acknowledge } from '../private/nag';
import { skipCheckov } from '../private/scanner-skips';
import { requireTableKeys, secureTable, TableKeys } from '../private/secure-table';
import { describe, invalidProp, requireDuration, requireInteger, requireNonEmptyString } from '../private/validation';
import * as env from './runtime/environment';
import { MaintenanceWindowConfig, StatusPageConfig } from './runtime/model';
import { INCIDENTS_PK, TABLE_PARTITION_KEY, TABLE_SORT_KEY, TABLE_TTL_ATTRIBUTE } from './runtime/table-schema';

/** Props for `StatusPage`. */
export interface StatusPageProps {
  /** The services to probe: 1 to 1,000 checks with unique names. */
  readonly checks: HealthCheck[];

  /**
   * Who may see the page.
   * @default - PageAuth.proxyHeader(): header 'x-status-page-auth' must carry a newly generated secret
   */
  readonly auth?: PageAuth;

  /**
   * How often every check is probed: whole minutes, 1 minute to 1 hour. A duration rather than
   * an `events.Schedule` because the page needs the interval to judge stale data and to size
   * timeouts.
   * @default Duration.minutes(1)
   */
  readonly checkInterval?: Duration;

  /**
   * A check is shown DOWN only after this many consecutive failed probes, so one lost packet
   * raises no alarm.
   * @default 2
   */
  readonly failureThreshold?: number;

  /**
   * A DOWN check is shown up again after this many consecutive good probes.
   * @default 1
   */
  readonly successThreshold?: number;

  /**
   * An up check is shown DEGRADED (and a change is published) only after this many consecutive
   * probes that were not up, so one slow probe alerts nobody. A degraded check is up again on
   * its first up probe.
   * @default 2
   */
  readonly degradedThreshold?: number;

  /**
   * How many probes run at the same time, 1 to 256. A run takes about as long as its slowest
   * probe while the number of checks stays at or below this.
   * @default - every check at once, at most 256 (a Lambda function may hold 1,024 sockets)
   */
  readonly probeConcurrency?: number;

  /**
   * Scheduled maintenance. While a window is on, its checks are shown as under maintenance,
   * publish no status change, and their probes count neither for nor against uptime.
   * @default - no maintenance windows
   */
  readonly maintenance?: MaintenanceWindow[];

  /**
   * Results older than this many check intervals show a stale-data notice on the page.
   * @default 3
   */
  readonly staleAfterIntervals?: number;

  /**
   * The page title.
   * @default 'Service status'
   */
  readonly title?: string;

  /**
   * A line shown under the title.
   * @default - none
   */
  readonly description?: string;

  /**
   * The mustache template of the HTML page.
   * @default PageTemplate.builtIn()
   */
  readonly template?: PageTemplate;

  /**
   * Bring your own table. It must have a string partition key `pk`, a string sort key `sk`
   * and TTL on the attribute `expiresAt`. The keys of a table defined in this app are checked
   * at synth; those of an imported table (`Table.fromTableName()`) cannot be checked.
   * @default - a new pay-per-request table with point-in-time recovery, retained on delete
   */
  readonly table?: dynamodb.ITable;

  /**
   * What happens to the table this construct creates when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Every change of a check's status (up, degraded, down) is published here as JSON.
   * @default - status changes are only shown on the page
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Run the checker in this VPC to probe private services.
   * @default - the checker runs outside any VPC and can reach public endpoints only
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in `vpc` the checker runs.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the checker in `vpc`.
   * @default - a new group that allows all outbound traffic (the checker must reach its targets) and no inbound
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * How long the Lambdas' and the API's logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Steady-state requests per second the API serves before throttling (protects your bill).
   * @default 20
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests the API serves before throttling.
   * @default 40
   */
  readonly throttlingBurstLimit?: number;
}

const MAX_CHECKS = 1000;
const MAX_MAINTENANCE_WINDOWS = 100;
/** The checker reads its previous state and writes the new one; it never scans. */
const CHECKER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'];
/** The renderer reads by key in batches, and queries the incidents and status changes. */
const RENDERER_TABLE_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:Query'];
/** The incidents CLI lists, writes and moves incident items. */
const INCIDENT_TABLE_ACTIONS = ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'];
const CHECKS_PER_SHARD = 100;
const TABLE_KEYS: TableKeys = { partitionKey: TABLE_PARTITION_KEY, sortKey: TABLE_SORT_KEY, ttlAttribute: TABLE_TTL_ATTRIBUTE };

/**
 * A serverless status page: a scheduled checker Lambda probes your services and stores the
 * results in DynamoDB; a renderer Lambda behind API Gateway serves an HTML page, `/status.json`
 * and an SVG badge per check, guarded by a header your reverse proxy adds.
 */
export class StatusPage extends Construct {
  /** The URL of the page (the API's stage URL). */
  public readonly url: string;
  /** The REST API that serves the page. */
  public readonly api: apigateway.RestApi;
  /** The table that holds current status and history. */
  public readonly table: dynamodb.ITable;
  /** The scheduled Lambda that probes the checks. */
  public readonly checkerFunction: lambda.IFunction;
  /** The Lambda that renders the page. */
  public readonly rendererFunction: lambda.IFunction;
  /** The secret the proxy header must carry; undefined for a public page. */
  public readonly authSecret?: secretsmanager.ISecret;
  /** The header the proxy must set; undefined for a public page. */
  public readonly authHeaderName?: string;
  /** Alarms when the checker Lambda fails two intervals in a row. */
  public readonly checkerErrorsAlarm: cloudwatch.Alarm;
  /** Alarms when no run has stored results for three intervals (checker stopped or cannot write). */
  public readonly checkerStalledAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: StatusPageProps) {
    super(scope, id);
    const where = `StatusPage '${id}'`;
    const interval = props.checkInterval ?? Duration.minutes(1);
    const config = buildConfig(where, props, interval);
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;

    if (props.table) requireTableKeys(where, 'table', props.table, TABLE_KEYS);
    this.table = props.table ?? secureTable(this, 'Table', TABLE_KEYS, props.removalPolicy ?? RemovalPolicy.RETAIN);
    // The checks and the template are final now and can be large: they ship in a layer (see handler-config.ts).
    const templateText = (props.template ?? PageTemplate.builtIn())._text;
    const layer = configLayer(this, 'ConfigLayer', 'Checks and page template of the status page', {
      [env.DEFAULT_CONFIG_PATH]: JSON.stringify(config),
      ...(templateText !== undefined ? { [env.DEFAULT_TEMPLATE_PATH]: templateText } : {}),
    });
    const tooLarge = 'it holds only the table name, the topic and secret ARNs and the header name: pass resources with shorter names';
    const commonEnvironment = {
      [env.ENV_TABLE_NAME]: this.table.tableName,
      [env.ENV_CONFIG_PATH]: env.DEFAULT_CONFIG_PATH,
    };

    // Checker: probes on a schedule, writes results.
    if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
      invalidProp(where, props.vpcSubnets ? 'vpcSubnets' : 'securityGroups', 'needs vpc: set vpc too, or remove it');
    }
    const checker = libraryFunction(this, 'Checker', CheckerFunction, {
      where,
      description: 'Status page checker: probes every check and stores the results',
      roleDescription: 'Role of the status page checker Lambda',
      logRetention: retention,
      timeout: checkerTimeout(interval),
      // CPU comes with memory: sized from the number of checks (probe-concurrency.ts).
      memorySize: checkerMemoryMiB(props.checks.length),
      layers: [layer],
      whenEnvironmentTooLarge: tooLarge,
      environment: {
        ...commonEnvironment,
        [env.ENV_METRIC_DIMENSION]: this.node.addr,
        ...(props.notificationTopic ? { [env.ENV_TOPIC_ARN]: props.notificationTopic.topicArn } : {}),
      },
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    skipCheckov(checker, 'CKV_AWS_116', 'The checker runs on a schedule with retryAttempts 0: a failed run is replaced by the next one within one interval, and failures raise checkerErrorsAlarm; a DLQ would only collect stale schedule events.');
    skipCheckov(checker, 'CKV_AWS_115', 'One scheduled run per interval and the timeout is shorter than the interval, so runs do not pile up; reserved concurrency would take from the account pool and can fail deployment in accounts at the minimum.');
    if (!props.vpc) {
      skipCheckov(checker, 'CKV_AWS_117', 'Without the vpc prop the checker probes public endpoints and calls only public AWS APIs; set vpc (with vpcSubnets, securityGroups) to probe private services from inside your VPC.');
    }
    this.table.grant(checker, ...CHECKER_TABLE_ACTIONS);
    props.notificationTopic?.grantPublish(checker);
    if (props.notificationTopic?.masterKey) {
      // grantPublish writes the key grant into the role's own policy: acknowledged on the role we created and what it holds.
      acknowledge(checker.role!, [{
        id: 'AwsSolutions-IAM5',
        reason: 'Publishing to a topic encrypted with your key needs kms:GenerateDataKey*, which stands for the GenerateDataKey variants only; the statement names that one key.',
        appliesTo: ['Action::kms:GenerateDataKey*'],
      }]);
    }
    this.checkerFunction = checker;

    new events.Rule(this, 'Schedule', {
      description: 'Runs the status page checker',
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(checker, {
        // A run that could not start in time is skipped: the next one is due soon anyway.
        retryAttempts: 0,
        maxEventAge: Duration.seconds(Math.max(60, interval.toSeconds())),
      })],
    });

    // Renderer: reads results, serves the page.
    const auth = (props.auth ?? PageAuth.proxyHeader()).bind(this);
    this.authSecret = auth.secret;
    this.authHeaderName = auth.headerName;
    const renderer = libraryFunction(this, 'Renderer', RendererFunction, {
      where,
      description: 'Status page renderer: serves the HTML page, status.json and badges',
      roleDescription: 'Role of the status page renderer Lambda',
      logRetention: retention,
      timeout: Duration.seconds(10),
      layers: [layer],
      whenEnvironmentTooLarge: tooLarge,
      environment: {
        ...commonEnvironment,
        [env.ENV_TEMPLATE_PATH]: env.DEFAULT_TEMPLATE_PATH,
        ...(auth.secret && auth.headerName ? {
          [env.ENV_AUTH_SECRET_ARN]: auth.secret.secretArn,
          [env.ENV_AUTH_HEADER_NAME]: auth.headerName,
        } : {}),
      },
    });
    skipCheckov(renderer, 'CKV_AWS_116', 'API Gateway invokes the renderer synchronously and returns its errors to the caller; a dead-letter queue only receives failed asynchronous invocations, of which there are none.');
    skipCheckov(renderer, 'CKV_AWS_115', 'Concurrency is bounded by the API stage throttling (throttlingRateLimit, throttlingBurstLimit); reserved concurrency would take from the account pool and can fail deployment in accounts at the minimum.');
    skipCheckov(renderer, 'CKV_AWS_117', 'The renderer only calls DynamoDB and Secrets Manager through their public endpoints and is reached through API Gateway; a VPC would add NAT or interface endpoints and cold-start latency for no isolation gain.');
    if (auth.secret && auth.secret.node.path.startsWith(`${this.node.path}/`) && auth.secret.node.defaultChild) {
      skipCheckov(auth.secret, 'CKV_AWS_149', 'The generated proxy secret is encrypted with the AWS managed Secrets Manager key; a customer managed key adds a key policy your proxy must also be granted, for a value that is shared with that proxy anyway.');
    }
    this.table.grant(renderer, ...RENDERER_TABLE_ACTIONS);
    auth.secret?.grantRead(renderer);
    this.rendererFunction = renderer;

    this.api = this.createApi(renderer, retention, props, where);
    this.url = this.api.url;

    const period = Duration.minutes(Math.max(1, interval.toMinutes()));
    this.checkerErrorsAlarm = new cloudwatch.Alarm(this, 'CheckerErrorsAlarm', {
      alarmDescription: `The status page checker failed in two intervals in a row (${this.node.path})`,
      metric: checker.metricErrors({ period, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.checkerStalledAlarm = new cloudwatch.Alarm(this, 'CheckerStalledAlarm', {
      alarmDescription: `No status page run stored results for three intervals: the page shows stale data (${this.node.path})`,
      metric: new cloudwatch.Metric({
        namespace: env.METRIC_NAMESPACE,
        metricName: env.METRIC_RUNS_RECORDED,
        dimensionsMap: { [env.METRIC_DIMENSION_NAME]: this.node.addr },
        period,
        statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data at all is exactly the failure this alarm exists for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  /**
   * Lets `grantee` post and update incidents with the `status-page-incident` CLI: Query, PutItem
   * and DeleteItem on the table, for the items of the `incidents` partition only.
   */
  public grantIncidentWrite(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: INCIDENT_TABLE_ACTIONS,
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [INCIDENTS_PK] } },
    });
    this.table.encryptionKey?.grantEncryptDecrypt(grantee);
    return grant;
  }

  private createApi(renderer: lambda.IFunction, retention: logs.RetentionDays, props: StatusPageProps, where: string): apigateway.RestApi {
    requireInteger(where, 'throttlingRateLimit', props.throttlingRateLimit, 1, 10_000);
    requireInteger(where, 'throttlingBurstLimit', props.throttlingBurstLimit, 1, 5_000);
    const accessLogs = logGroupWithRetention(this, 'ApiAccessLogs', retention);
    const api = new apigateway.RestApi(this, 'Api', {
      description: 'Status page',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      // The renderer compresses by Accept-Encoding and returns the bytes base64-encoded; API
      // Gateway decodes such a body only for binary media types, so every type is one.
      binaryMediaTypes: ['*/*'],
      deployOptions: {
        stageName: 'prod',
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: props.throttlingRateLimit ?? 20,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 40,
        // X-Ray on the stage: sampled requests are traced through to the renderer (its default
        // PassThrough mode records the Lambda segments), at a cost within X-Ray's free tier for a status page.
        tracingEnabled: true,
      },
    });
    const integration = new apigateway.LambdaIntegration(renderer, { proxy: true });
    const methods: apigateway.Method[] = [];
    const routes = [api.root, api.root.addResource('status.json'), api.root.addResource('feed.atom'), api.root.addResource('badge').addResource('{name}')];
    for (const resource of routes) {
      methods.push(resource.addMethod('GET', integration), resource.addMethod('HEAD', integration));
    }

    acknowledge(api.node.defaultChild as CfnResource, [
      { id: 'AwsSolutions-APIG2', reason: 'Every method is a GET or HEAD with no body; the renderer validates the path and headers itself.' },
    ]);
    acknowledge(api.deploymentStage, [
      { id: 'AwsSolutions-APIG3', reason: 'The page is meant to sit behind the team\'s reverse proxy, which is where a WAF belongs; the stage is throttled.' },
      { id: 'AwsSolutions-APIG6', reason: 'Execution logging needs an account-wide API Gateway role that a library must not create; access logging is on.' },
    ]);
    skipCheckov(api.deploymentStage, 'CKV_AWS_120', 'The page must show live results; caching would serve stale status, and a stage cache cluster is billed per hour whether used or not. The renderer reads a handful of items per request.');
    for (const method of methods) {
      skipCheckov(method, 'CKV_AWS_59', 'Authorization is the proxy header (a shared secret compared in constant time by the renderer) or an explicit PageAuth.none() for a public page; API Gateway authorizers do not apply.');
      acknowledge(method, [
        { id: 'AwsSolutions-APIG4', reason: 'Authorization is the proxy header (a shared secret compared in constant time by the renderer) or an explicit PageAuth.none().' },
        { id: 'AwsSolutions-COG4', reason: 'Browsers reach the page through the team\'s reverse proxy, not with Cognito tokens; see APIG4.' },
      ]);
    }
    return api;
  }
}

function buildConfig(where: string, props: StatusPageProps, interval: Duration): StatusPageConfig {
  if (!Array.isArray(props.checks) || props.checks.length === 0) {
    invalidProp(where, 'checks', 'must hold at least one HealthCheck (HealthCheck.http(...) or HealthCheck.tcp(...)); got none');
  }
  if (props.checks.length > MAX_CHECKS) {
    invalidProp(where, 'checks', `must hold at most ${MAX_CHECKS} checks; got ${props.checks.length}`);
  }
  const seen = new Set<string>();
  for (const check of props.checks) {
    if (seen.has(check.name)) {
      invalidProp(where, 'checks', `must have unique names; ${describe(check.name)} appears more than once`);
    }
    seen.add(check.name);
  }
  requireDuration(where, 'checkInterval', interval, 60_000, 3_600_000);
  if (!interval.isUnresolved() && interval.toMilliseconds() % 60_000 !== 0) {
    invalidProp(where, 'checkInterval', `must be a whole number of minutes; got ${interval.toHumanString()}`);
  }
  for (const check of props.checks) {
    if (check.timeout.toMilliseconds() >= interval.toMilliseconds()) {
      invalidProp(where, `checks['${check.name}'].timeout`, `must be shorter than checkInterval (${interval.toHumanString()}); got ${check.timeout.toHumanString()}`);
    }
  }
  validateRenames(where, props.checks);
  requireInteger(where, 'failureThreshold', props.failureThreshold, 1, 10);
  requireInteger(where, 'successThreshold', props.successThreshold, 1, 10);
  requireInteger(where, 'degradedThreshold', props.degradedThreshold, 1, 10);
  requireInteger(where, 'probeConcurrency', props.probeConcurrency, 1, MAX_PROBE_CONCURRENCY);
  requireInteger(where, 'staleAfterIntervals', props.staleAfterIntervals, 2, 100);
  requireNonEmptyString(where, 'title', props.title, 200);
  requireNonEmptyString(where, 'description', props.description, 1000);
  if (props.table && props.removalPolicy !== undefined) {
    invalidProp(where, 'removalPolicy', 'applies only to the table this construct creates; remove it or remove table');
  }
  const maintenance = validateMaintenance(where, props.maintenance ?? [], seen);

  const concurrency = props.probeConcurrency ?? defaultProbeConcurrency(props.checks.length);
  const slowest = Math.max(...props.checks.map((c) => c.timeout.toMilliseconds()));
  const worstRunMs = Math.ceil(props.checks.length / concurrency) * slowest;
  const runLimit = checkerTimeout(interval);
  if (worstRunMs >= runLimit.toMilliseconds()) {
    const how = props.probeConcurrency !== undefined ? 'at a time' : `at a time (the most the checker runs at once is ${MAX_PROBE_CONCURRENCY})`;
    const worst = `${props.checks.length} checks at ${concurrency} ${how} with timeouts up to ${slowest} ms could take ${worstRunMs} ms, longer than the checker may run (${runLimit.toHumanString()})`;
    if (props.probeConcurrency !== undefined) {
      invalidProp(where, 'probeConcurrency', `is too low: ${worst}; raise probeConcurrency or lower the timeouts`);
    }
    invalidProp(where, 'checks', `take too long to probe: ${worst}; lower the checks' timeouts or lengthen checkInterval`);
  }

  return {
    title: props.title ?? 'Service status',
    description: props.description,
    intervalSeconds: interval.toSeconds(),
    failureThreshold: props.failureThreshold ?? 2,
    successThreshold: props.successThreshold ?? 1,
    degradedThreshold: props.degradedThreshold ?? 2,
    concurrency,
    staleAfterIntervals: props.staleAfterIntervals ?? 3,
    checksPerShard: CHECKS_PER_SHARD,
    checks: props.checks.map((c) => c._toConfig()),
    ...(maintenance.length > 0 ? { maintenance } : {}),
  };
}

/** A renamed check takes over one old name that no other check holds or claims. */
function validateRenames(where: string, checks: HealthCheck[]): void {
  const names = new Set(checks.map((c) => c.name));
  const claimed = new Map<string, string>();
  for (const check of checks) {
    const old = check.renamedFrom;
    if (old === undefined) continue;
    if (names.has(old)) {
      invalidProp(where, `checks['${check.name}'].renamedFrom`, `must not be the name of another check of the page; ${describe(old)} is one`);
    }
    const other = claimed.get(old);
    if (other !== undefined) {
      invalidProp(where, `checks['${check.name}'].renamedFrom`, `must not name the same old check as checks['${other}']; got ${describe(old)} twice`);
    }
    claimed.set(old, check.name);
  }
}

function validateMaintenance(where: string, windows: MaintenanceWindow[], checkNames: ReadonlySet<string>): MaintenanceWindowConfig[] {
  if (windows.length > MAX_MAINTENANCE_WINDOWS) {
    invalidProp(where, 'maintenance', `must hold at most ${MAX_MAINTENANCE_WINDOWS} windows (remove the ones that are over); got ${windows.length}`);
  }
  const ids = new Set<string>();
  return windows.map((window) => {
    if (ids.has(window.id)) invalidProp(where, 'maintenance', `must have unique ids; ${describe(window.id)} appears more than once`);
    ids.add(window.id);
    const config = window._toConfig();
    for (const check of config.checks) {
      if (!checkNames.has(check)) {
        invalidProp(where, `maintenance['${window.id}'].checks`, `must name checks of the page; ${describe(check)} is not one`);
      }
    }
    return config;
  });
}

/** A run must end before the next is due; Lambda allows at most 15 minutes. */
function checkerTimeout(interval: Duration): Duration {
  return Duration.seconds(Math.min(interval.toSeconds() - 5, 900));
}
