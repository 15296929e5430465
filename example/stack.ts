/**
 * The example stack: a complete, realistic global-endpoint setup.
 *
 * - a domain identity in the primary region (Easy DKIM),
 * - its DEED replica in the secondary region, so the secondary can send as that domain,
 * - the global endpoint, tagged, deployed only if the secondary region's SES account can
 *   carry the primary's mail (production access, sending, quota and rate: STRICT),
 * - the email template and the configuration set its sender uses, in both regions, the set's
 *   events going to CloudWatch and to each region's default EventBridge bus,
 * - a sending Lambda granted to send through the endpoint with that template, signing with
 *   SigV4a, whose client follows the SES guide's advice for global endpoints (connections
 *   of at most 60 s), with its own least-privilege role and log group (cdk-nag AwsSolutions
 *   finds nothing here).
 *
 * Environment-agnostic: the primary region is wherever the stack is deployed.
 */
import * as path from 'path';
import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { MultiRegionConfigurationSet, MultiRegionEmailTemplate, MultiRegionEndpoint, MultiRegionEventDestination, ProductionLimitsCheck } from '../lib';

export class GlobalMailStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const domain = new ses.EmailIdentity(this, 'Domain', {
      identity: ses.Identity.domain('example.com'),
    });

    const endpoint = new MultiRegionEndpoint(this, 'Global', {
      secondaryRegion: 'us-west-2',
      endpointName: 'orders-mail',
      tags: { team: 'mail' },
      // Fail the deploy, before anything is created, unless us-west-2 can carry all the mail.
      productionLimitsCheck: ProductionLimitsCheck.STRICT,
    });
    Tags.of(endpoint).add('cost-center', 'mail-platform');

    // The secondary region can send as example.com only once the replica is verified.
    const replica = endpoint.addReplicaIdentity('DomainReplica', domain);

    // The template a send names must exist in the region that serves it: in both.
    const confirmation = new MultiRegionEmailTemplate(this, 'OrderConfirmation', {
      secondaryRegion: endpoint.secondaryRegion,
      templateName: 'order-confirmation',
      subject: 'Your order {{orderId}}',
      text: 'Hello {{name}}, we received your order {{orderId}}.',
      html: '<p>Hello {{name}}, we received your order <b>{{orderId}}</b>.</p>',
    });
    // So is the configuration set it names, with its settings and event destinations.
    const transactional = new MultiRegionConfigurationSet(this, 'Transactional', {
      secondaryRegion: endpoint.secondaryRegion,
      configurationSetName: 'transactional',
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    transactional.addEventDestination('Metrics', {
      destination: MultiRegionEventDestination.cloudWatchDimensions([
        { name: 'campaign', source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'none' },
      ]),
    });
    transactional.addEventDestination('Events', {
      destination: MultiRegionEventDestination.eventBridge(),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });

    // The sender's own role and log group: it may write its logs and (granted below) send
    // through the endpoint, nothing else; no AWS managed policy, logs kept three months.
    const senderLogs = new logs.LogGroup(this, 'SenderLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    const senderRole = new iam.Role(this, 'SenderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The example sender: writes its logs, sends through the global endpoint',
    });
    senderLogs.grantWrite(senderRole);

    const sender = new NodejsFunction(this, 'Sender', {
      role: senderRole,
      logGroup: senderLogs,
      entry: path.join(__dirname, 'sender', 'index.ts'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      environment: {
        ENDPOINT_ID: endpoint.endpointId,
        FROM_ADDRESS: 'orders@example.com',
        TEMPLATE_NAME: confirmation.templateName,
        CONFIGURATION_SET: transactional.configurationSetName,
      },
      // Bundle the SDK and the pure-JS SigV4a signer with the code.
      bundling: { externalModules: [], minify: true },
    });
    endpoint.grantSendEmailWith(sender, { identities: [domain], templates: [confirmation], configurationSets: [transactional] });
    sender.node.addDependency(replica);

    new CfnOutput(this, 'EndpointId', {
      value: endpoint.endpointId,
      description: 'Pass as EndpointId to SESv2 SendEmail / SendBulkEmail',
    });
    new CfnOutput(this, 'EndpointArn', { value: endpoint.endpointArn });
    new CfnOutput(this, 'ReplicaOrigin', { value: replica.signingAttributesOrigin });
    new CfnOutput(this, 'SenderFunction', { value: sender.functionName });
    new CfnOutput(this, 'SecondaryMaxSendRate', { value: endpoint.secondarySendingAccount.maxSendRate });
  }
}
