import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import * as env from './runtime/environment';

const PERIOD = Duration.minutes(1);

interface AlarmShape {
  readonly description: string;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly missing: cloudwatch.TreatMissingData;
}

export interface PipelineDashboardProps {
  readonly pipelineName: string;
  /** Added as alarm and OK actions to every alarm. */
  readonly alarmActions: cloudwatch.IAlarmAction[];
  /** maxStreamWait: the oldest-waiting-stream alarm fires at half of it. */
  readonly maxStreamWait: Duration;
}

/**
 * The pipeline's dashboard and alarms, filled in as engines are added: lag, tasks and stuck
 * partitions per object engine, running and waiting streams, failed, expired and relaunched
 * streams, Lambda errors, dead letters.
 */
export class PipelineDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly lagWidget: cloudwatch.GraphWidget;
  private readonly tasksWidget: cloudwatch.GraphWidget;
  private readonly errorsWidget: cloudwatch.GraphWidget;

  constructor(scope: Construct, id: string, private readonly props: PipelineDashboardProps) {
    super(scope, id);
    this.lagWidget = new cloudwatch.GraphWidget({ title: 'Consumer lag per object engine (time lag in seconds on the right, where scaled on)', width: 12 });
    this.tasksWidget = new cloudwatch.GraphWidget({ title: 'Object engine tasks: desired (lag scaler) and running', width: 12 });
    const streamsWidget = new cloudwatch.GraphWidget({
      title: 'Streams: running and waiting (left), oldest wait in seconds (right)',
      width: 12,
      left: [this.pipelineMetric(env.METRIC_ACTIVE_STREAMS, 'Maximum'), this.pipelineMetric(env.METRIC_STREAMS_WAITING, 'Maximum')],
      right: [this.pipelineMetric(env.METRIC_OLDEST_WAIT_SECONDS, 'Maximum')],
    });
    const outcomesWidget = new cloudwatch.GraphWidget({
      title: 'Streams failed and expired, engines relaunched, launch failures',
      width: 12,
      left: [env.METRIC_STREAMS_FAILED, env.METRIC_STREAMS_EXPIRED, env.METRIC_ENGINE_RELAUNCHES, env.METRIC_LAUNCH_FAILURES]
        .map((name) => this.pipelineMetric(name, 'Sum')),
    });
    this.errorsWidget = new cloudwatch.GraphWidget({
      title: 'Errors (left); dead letters and stuck partitions (right)',
      width: 12,
      left: [this.pipelineMetric(env.METRIC_LAG_READ_FAILURES, 'Sum')],
      right: [this.pipelineMetric(env.METRIC_DEAD_LETTERS, 'Maximum')],
    });
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: `${props.pipelineName}-stream-engine-pipeline`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255),
      widgets: [[this.lagWidget, this.tasksWidget], [streamsWidget, outcomesWidget], [this.errorsWidget]],
    });
    this.alarm('DeadLettersAlarm', this.pipelineMetric(env.METRIC_DEAD_LETTERS, 'Maximum').with({ period: Duration.minutes(5) }), {
      description: 'Messages arrived on the dead-letter topic',
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Lag, tasks and stuck partitions of an object engine; its time lag too when it scales on it. */
  public addObjectEngine(name: string, service: ecs.BaseService, timeLag: boolean): void {
    this.lagWidget.addLeftMetric(this.engineMetric(env.METRIC_CONSUMER_LAG, name, 'Maximum', 'lag'));
    if (timeLag) {
      this.lagWidget.addRightMetric(this.engineMetric(env.METRIC_TIME_LAG_SECONDS, name, 'Maximum', 'time lag (s)'));
    }
    this.errorsWidget.addRightMetric(this.engineMetric(env.METRIC_STUCK_PARTITIONS, name, 'Maximum', 'stuck partitions'));
    this.alarm(`StuckPartitionsAlarm-${name}`, this.engineMetric(env.METRIC_STUCK_PARTITIONS, name, 'Maximum', 'stuck partitions'), {
      description: `A partition of object engine '${name}' is stuck: its committed offset has not moved for scaling.persistentLagAfter while it had lag and tasks ran (a record the engine cannot get past, or a partition never committed); see the lag scaler's 'partitions stuck' log line`,
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.tasksWidget.addLeftMetric(this.engineMetric(env.METRIC_DESIRED_TASKS, name, 'Maximum', 'desired'));
    this.tasksWidget.addLeftMetric(new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName },
      statistic: 'Maximum',
      period: PERIOD,
      label: `${name} running`,
    }));
  }

  public addCoordinator(fn: lambda.IFunction): void {
    this.errorsWidget.addLeftMetric(fn.metricErrors({ period: PERIOD, label: 'Coordinator errors' }));
    this.alarm('CoordinatorErrorsAlarm', fn.metricErrors({ period: Duration.minutes(5) }), {
      description: 'The Coordinator failed: stream inits may not launch their engines',
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm('LaunchFailuresAlarm', this.pipelineMetric(env.METRIC_LAUNCH_FAILURES, 'Sum').with({ period: Duration.minutes(5) }), {
      description: 'Stream engine tasks could not be launched after retries',
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const halfWait = Math.floor(this.props.maxStreamWait.toSeconds() / 2);
    this.alarm('OldestStreamWaitAlarm', this.pipelineMetric(env.METRIC_OLDEST_WAIT_SECONDS, 'Maximum'), {
      description: `A stream has waited more than ${halfWait} s for a free slot (half of maxStreamWait): raise maxConcurrentStreams or check launches, or it expires`,
      threshold: halfWait,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm('StreamsFailedAlarm', this.pipelineMetric(env.METRIC_STREAMS_FAILED, 'Sum').with({ period: Duration.minutes(5) }), {
      description: 'Streams failed (launch attempts used up, maxStreamDuration reached, or a launch that cannot succeed): producers were told on the results topic',
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm('StreamsExpiredAlarm', this.pipelineMetric(env.METRIC_STREAMS_EXPIRED, 'Sum').with({ period: Duration.minutes(5) }), {
      description: 'Streams expired after waiting maxStreamWait for a free slot: producers were told on the results topic',
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  public addLagScaler(fn: lambda.IFunction): void {
    this.errorsWidget.addLeftMetric(fn.metricErrors({ period: PERIOD, label: 'Lag scaler errors' }));
    this.alarm('LagReadFailuresAlarm', this.pipelineMetric(env.METRIC_LAG_READ_FAILURES, 'Sum').with({ period: PERIOD }), {
      description: 'The lag scaler could not read consumer lag for 3 minutes: object engines keep their task counts',
      threshold: 1,
      evaluationPeriods: 3,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm('LagScalerStoppedAlarm', fn.metricInvocations({ period: Duration.minutes(5) }), {
      description: 'The lag scaler has not run for 5 minutes: object engines are not scaled',
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      missing: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, o: AlarmShape): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: `${o.description} (pipeline ${this.props.pipelineName})`,
      metric,
      threshold: o.threshold,
      evaluationPeriods: o.evaluationPeriods,
      comparisonOperator: o.comparison,
      treatMissingData: o.missing,
    });
    // OK actions too: whoever was told of the problem is told when it is over. (Called with no
    // actions, these would still write empty action lists into the template.)
    if (this.props.alarmActions.length > 0) {
      alarm.addAlarmAction(...this.props.alarmActions);
      alarm.addOkAction(...this.props.alarmActions);
    }
    this.alarms.push(alarm);
  }

  private pipelineMetric(metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: env.METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [env.METRIC_DIMENSION_PIPELINE]: this.props.pipelineName },
      statistic,
      period: PERIOD,
    });
  }

  private engineMetric(metricName: string, engine: string, statistic: string, what: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: env.METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [env.METRIC_DIMENSION_PIPELINE]: this.props.pipelineName, [env.METRIC_DIMENSION_ENGINE]: engine },
      statistic,
      period: PERIOD,
      label: `${engine} ${what}`,
    });
  }
}
