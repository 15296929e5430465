/**
 * The example app `npx cdk synth` synthesizes: an environment-agnostic stack with one
 * global endpoint whose EndpointId is a stack output.
 */
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MultiRegionEndpoint } from '../lib';

class GlobalMailStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const endpoint = new MultiRegionEndpoint(this, 'Global', {
      secondaryRegion: 'us-west-2',
      endpointName: 'orders-mail',
      tags: { team: 'mail' },
    });

    new CfnOutput(this, 'EndpointId', {
      value: endpoint.endpointId,
      description: 'Pass as EndpointId to SESv2 SendEmail / SendBulkEmail',
    });
    new CfnOutput(this, 'EndpointArn', { value: endpoint.endpointArn });
  }
}

const app = new App();
new GlobalMailStack(app, 'GlobalMailExample');
app.synth();
