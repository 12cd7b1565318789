package io.github.cdkstatusandstreams.examples;

import java.util.List;

import io.github.cdkstatusandstreams.EngineCapacity;
import io.github.cdkstatusandstreams.GpuCapacityOptions;
import io.github.cdkstatusandstreams.HealthCheck;
import io.github.cdkstatusandstreams.HttpCheckOptions;
import io.github.cdkstatusandstreams.KafkaBus;
import io.github.cdkstatusandstreams.LagScalingOptions;
import io.github.cdkstatusandstreams.ObjectEngineOptions;
import io.github.cdkstatusandstreams.PageAuth;
import io.github.cdkstatusandstreams.PipelineTopicOptions;
import io.github.cdkstatusandstreams.ProxyHeaderAuthOptions;
import io.github.cdkstatusandstreams.StatusPage;
import io.github.cdkstatusandstreams.StreamEngineOptions;
import io.github.cdkstatusandstreams.StreamEnginePipeline;
import io.github.cdkstatusandstreams.TcpCheckOptions;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The two example stacks of examples/typescript/, in Java: the same props and the same stack
 * names (StatusPageExample, StreamEnginePipelineExample) as status-page/status-page-stack.ts and
 * stream-engine-pipeline/media-pipeline-stack.ts. scripts/bindings/compare-templates.js checks the
 * templates match.
 */
public final class App {

    static final class StatusPageStack extends Stack {
        StatusPageStack(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);

            // Alerts are encrypted with a key of your own (alarms and other services can be granted it).
            Key alertsKey = Key.Builder.create(this, "StatusAlertsKey").enableKeyRotation(true).description("Status page alerts topic").build();
            Topic alerts = Topic.Builder.create(this, "StatusAlerts").enforceSsl(true).masterKey(alertsKey).build();

            StatusPage page = StatusPage.Builder.create(this, "Status")
                    .title("Acme platform status")
                    .description("Live health of the services behind acme.example.com")
                    .checks(List.of(
                            HealthCheck.http("website", HttpCheckOptions.builder()
                                    .url("https://www.example.com/")
                                    .group("Public")
                                    .build()),
                            HealthCheck.http("orders-api", HttpCheckOptions.builder()
                                    .url("https://orders.example.com/health")
                                    .displayName("Orders API")
                                    .group("Public")
                                    .bodyContains("ok")
                                    .degradedAfter(Duration.seconds(2))
                                    .build()),
                            HealthCheck.tcp("postgres", TcpCheckOptions.builder()
                                    .host("db.example.com")
                                    .port(5432)
                                    .displayName("Orders database")
                                    .group("Internal")
                                    .build())))
                    .auth(PageAuth.proxyHeader(ProxyHeaderAuthOptions.builder()
                            .headerName("x-status-page-auth")
                            .build()))
                    .notificationTopic(alerts)
                    .build();

            CfnOutput.Builder.create(this, "StatusPageUrl").value(page.getUrl()).build();
            CfnOutput.Builder.create(this, "ProxyHeaderName")
                    .value(page.getAuthHeaderName() != null ? page.getAuthHeaderName() : "none")
                    .build();
            CfnOutput.Builder.create(this, "ProxyHeaderSecretArn")
                    .value(page.getAuthSecret() != null ? page.getAuthSecret().getSecretArn() : "none")
                    .build();
        }
    }

    static final class MediaPipelineStack extends Stack {
        MediaPipelineStack(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);

            Vpc vpc = Vpc.Builder.create(this, "Vpc").maxAzs(2).natGateways(1).build();

            StreamEnginePipeline pipeline = StreamEnginePipeline.Builder.create(this, "Media")
                    .vpc(vpc)
                    .bus(KafkaBus.serverless())
                    .pipelineName("media")
                    .objectsTopic(PipelineTopicOptions.builder().partitions(24).build())
                    .maxConcurrentStreams(50)
                    .build();

            // One task per incoming stream: live transcription of the whole stream, in order.
            pipeline.addStreamEngine("transcriber", StreamEngineOptions.builder()
                    .image(ContainerImage.fromRegistry("public.ecr.aws/example/transcriber:1.4"))
                    .cpu(2048)
                    .memoryLimitMiB(4096)
                    .build());

            // Frames and chunks in parallel, scaled from zero by consumer lag.
            pipeline.addObjectEngine("faces", ObjectEngineOptions.builder()
                    .image(ContainerImage.fromRegistry("public.ecr.aws/example/face-detector:2.0"))
                    .capacity(EngineCapacity.fargateSpot())
                    .scaling(LagScalingOptions.builder()
                            .lagPerTask(50)
                            .maxTasks(24)
                            .scaleInCooldown(Duration.minutes(3))
                            .build())
                    .build());
            pipeline.addObjectEngine("labels", ObjectEngineOptions.builder()
                    .image(ContainerImage.fromRegistry("public.ecr.aws/example/labeler:3.1"))
                    .scaling(LagScalingOptions.builder().lagPerTask(200).maxTasks(6).build())
                    .build());
            // A model that needs a GPU: EC2 GPU instances that ECS starts and stops with the engine's tasks.
            pipeline.addObjectEngine("scenes", ObjectEngineOptions.builder()
                    .image(ContainerImage.fromRegistry("public.ecr.aws/example/scene-classifier:1.0"))
                    .cpu(4096)
                    .memoryLimitMiB(15000)
                    .capacity(EngineCapacity.gpu(GpuCapacityOptions.builder()
                            .instanceType(InstanceType.of(InstanceClass.G5, InstanceSize.XLARGE))
                            .maxInstances(2)
                            .build()))
                    .scaling(LagScalingOptions.builder().lagPerTask(100).maxTasks(2).build())
                    .build());

            CfnOutput.Builder.create(this, "BootstrapBrokers").value(pipeline.getBootstrapBrokers()).build();
            CfnOutput.Builder.create(this, "ControlTopic").value(pipeline.getControlTopic().getTopicName()).build();
            CfnOutput.Builder.create(this, "Dashboard").value(pipeline.getDashboard().getDashboardName()).build();
        }
    }

    public static void main(final String[] args) {
        software.amazon.awscdk.App app = new software.amazon.awscdk.App();
        new StatusPageStack(app, "StatusPageExample", null);
        new MediaPipelineStack(app, "StreamEnginePipelineExample", null);
        app.synth();
    }

    private App() {
    }
}
