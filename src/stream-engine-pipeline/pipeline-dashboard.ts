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

/**
 * The pipeline's dashboard and alarms, filled in as engines are added: lag and tasks per object
 * engine, active and rejected streams, Lambda errors, dead letters.
 */
export class PipelineDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly lagWidget: cloudwatch.GraphWidget;
  private readonly tasksWidget: cloudwatch.GraphWidget;
  private readonly streamsWidget: cloudwatch.GraphWidget;
  private readonly errorsWidget: cloudwatch.GraphWidget;

  constructor(scope: Construct, id: string, private readonly pipelineName: string) {
    super(scope, id);
    this.lagWidget = new cloudwatch.GraphWidget({ title: 'Consumer lag per object engine', width: 12 });
    this.tasksWidget = new cloudwatch.GraphWidget({ title: 'Object engine tasks: desired (lag scaler) and running', width: 12 });
    this.streamsWidget = new cloudwatch.GraphWidget({
      title: 'Streams',
      width: 12,
      left: [this.pipelineMetric(env.METRIC_ACTIVE_STREAMS, 'Maximum'), this.pipelineMetric(env.METRIC_STREAMS_REJECTED, 'Sum'), this.pipelineMetric(env.METRIC_LAUNCH_FAILURES, 'Sum')],
    });
    this.errorsWidget = new cloudwatch.GraphWidget({
      title: 'Errors and dead letters',
      width: 12,
      left: [this.pipelineMetric(env.METRIC_LAG_READ_FAILURES, 'Sum')],
      right: [this.pipelineMetric(env.METRIC_DEAD_LETTERS, 'Maximum')],
    });
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: `${pipelineName}-stream-engine-pipeline`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255),
      widgets: [[this.lagWidget, this.tasksWidget], [this.streamsWidget, this.errorsWidget]],
    });
    this.alarm('DeadLettersAlarm', this.pipelineMetric(env.METRIC_DEAD_LETTERS, 'Maximum').with({ period: Duration.minutes(5) }), {
      description: 'Messages arrived on the dead-letter topic',
      threshold: 1,
      evaluationPeriods: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missing: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  public addObjectEngine(name: string, service: ecs.BaseService): void {
    this.lagWidget.addLeftMetric(this.engineMetric(env.METRIC_CONSUMER_LAG, name, 'Maximum'));
    this.tasksWidget.addLeftMetric(this.engineMetric(env.METRIC_DESIRED_TASKS, name, 'Maximum'));
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
    this.alarms.push(new cloudwatch.Alarm(this, id, {
      alarmDescription: `${o.description} (pipeline ${this.pipelineName})`,
      metric,
      threshold: o.threshold,
      evaluationPeriods: o.evaluationPeriods,
      comparisonOperator: o.comparison,
      treatMissingData: o.missing,
    }));
  }

  private pipelineMetric(metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: env.METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [env.METRIC_DIMENSION_PIPELINE]: this.pipelineName },
      statistic,
      period: PERIOD,
    });
  }

  private engineMetric(metricName: string, engine: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: env.METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [env.METRIC_DIMENSION_PIPELINE]: this.pipelineName, [env.METRIC_DIMENSION_ENGINE]: engine },
      statistic,
      period: PERIOD,
      label: `${engine} ${metricName === env.METRIC_CONSUMER_LAG ? 'lag' : 'desired'}`,
    });
  }
}
