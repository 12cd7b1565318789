#!/usr/bin/env node
// The CDK app: one StatusPage stack. `npx cdk synth` runs this file (see cdk.json).
import { App } from 'aws-cdk-lib';
import { StatusPageStack } from './status-page-stack';

const app = new App();
new StatusPageStack(app, 'StatusPageExample');
app.synth();
