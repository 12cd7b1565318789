#!/usr/bin/env node
// The CDK app: one StreamEnginePipeline stack. `npx cdk synth` runs this file (see cdk.json).
import { App } from 'aws-cdk-lib';
import { MediaPipelineStack } from './media-pipeline-stack';

const app = new App();
new MediaPipelineStack(app, 'StreamEnginePipelineExample');
app.synth();
