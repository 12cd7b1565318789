#!/usr/bin/env python3
"""The two example stacks of examples/typescript/, written in Python against the
jsii-generated package `cdk_status_and_streams`.

It builds the same stacks, with the same props and the same stack names, as
examples/typescript/status-page/status-page-stack.ts (StatusPageExample) and
examples/typescript/stream-engine-pipeline/media-pipeline-stack.ts (StreamEnginePipelineExample).
scripts/bindings/compare-templates.js checks that the templates match.

No AWS account is needed to synthesize: the stacks are environment-agnostic.
"""
from aws_cdk import App, CfnOutput, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_status_and_streams import (
    EngineCapacity,
    HealthCheck,
    KafkaBus,
    LagScalingOptions,
    PageAuth,
    PipelineTopicOptions,
    StatusPage,
    StreamEnginePipeline,
)


class StatusPageStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Alerts are encrypted with a key of your own (alarms and other services can be granted it).
        alerts_key = kms.Key(self, "StatusAlertsKey", enable_key_rotation=True, description="Status page alerts topic")
        alerts = sns.Topic(self, "StatusAlerts", enforce_ssl=True, master_key=alerts_key)

        page = StatusPage(
            self,
            "Status",
            title="Acme platform status",
            description="Live health of the services behind acme.example.com",
            checks=[
                HealthCheck.http("website", url="https://www.example.com/", group="Public"),
                HealthCheck.http(
                    "orders-api",
                    url="https://orders.example.com/health",
                    display_name="Orders API",
                    group="Public",
                    body_contains="ok",
                    degraded_after=Duration.seconds(2),
                ),
                HealthCheck.tcp(
                    "postgres",
                    host="db.example.com",
                    port=5432,
                    display_name="Orders database",
                    group="Internal",
                ),
            ],
            auth=PageAuth.proxy_header(header_name="x-status-page-auth"),
            notification_topic=alerts,
        )

        CfnOutput(self, "StatusPageUrl", value=page.url)
        CfnOutput(self, "ProxyHeaderName", value=page.auth_header_name or "none")
        CfnOutput(
            self,
            "ProxyHeaderSecretArn",
            value=page.auth_secret.secret_arn if page.auth_secret else "none",
        )


class MediaPipelineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        vpc = ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=1)

        pipeline = StreamEnginePipeline(
            self,
            "Media",
            vpc=vpc,
            bus=KafkaBus.serverless(),
            pipeline_name="media",
            objects_topic=PipelineTopicOptions(partitions=24),
            max_concurrent_streams=50,
        )

        # One task per incoming stream: live transcription of the whole stream, in order.
        pipeline.add_stream_engine(
            "transcriber",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/example/transcriber:1.4"),
            cpu=2048,
            memory_limit_mib=4096,
        )

        # Frames and chunks in parallel, scaled from zero by consumer lag.
        pipeline.add_object_engine(
            "faces",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/example/face-detector:2.0"),
            capacity=EngineCapacity.fargate_spot(),
            scaling=LagScalingOptions(lag_per_task=50, max_tasks=24, scale_in_cooldown=Duration.minutes(3)),
        )
        pipeline.add_object_engine(
            "labels",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/example/labeler:3.1"),
            scaling=LagScalingOptions(lag_per_task=200, max_tasks=6),
        )
        # A model that needs a GPU: EC2 GPU instances that ECS starts and stops with the engine's tasks.
        pipeline.add_object_engine(
            "scenes",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/example/scene-classifier:1.0"),
            cpu=4096,
            memory_limit_mib=15000,
            capacity=EngineCapacity.gpu(
                instance_type=ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE), max_instances=2
            ),
            scaling=LagScalingOptions(lag_per_task=100, max_tasks=2),
        )

        CfnOutput(self, "BootstrapBrokers", value=pipeline.bootstrap_brokers)
        CfnOutput(self, "ControlTopic", value=pipeline.control_topic.topic_name)
        CfnOutput(self, "Dashboard", value=pipeline.dashboard.dashboard_name)


app = App()
StatusPageStack(app, "StatusPageExample")
MediaPipelineStack(app, "StreamEnginePipelineExample")
app.synth()
