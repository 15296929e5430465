/**
 * The example app `npx cdk synth` synthesizes (see stack.ts). Environment-agnostic: the
 * primary region is wherever the stack is deployed.
 */
import { App } from 'aws-cdk-lib';
import { GlobalMailStack } from './stack';

const app = new App();
new GlobalMailStack(app, 'GlobalMailExample');
app.synth();
