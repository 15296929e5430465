/**
 * The example app's stack: domain identity, its DEED replica in the secondary region,
 * the tagged endpoint, and a sender with its own role and logs, granted to send through it.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GlobalMailStack } from '../example/stack';

test('the example stack wires identity, replica, endpoint and sender together', () => {
  const stack = new GlobalMailStack(new App(), 'Example', { env: { region: 'us-east-1', account: '123456789012' } });
  const template = Template.fromStack(stack);
  const endpointId = Object.keys(template.findResources('Custom::SESMultiRegionEndpoint'))[0];
  const replicaId = Object.keys(template.findResources('Custom::SESReplicaEmailIdentity'))[0];

  template.hasResourceProperties('Custom::SESMultiRegionEndpoint', {
    EndpointName: 'orders-mail',
    Details: { RouteDetails: [{ Region: 'us-west-2' }] },
    Tags: [{ Key: 'cost-center', Value: 'mail-platform' }, { Key: 'team', Value: 'mail' }],
  });
  template.hasResourceProperties('Custom::SESReplicaEmailIdentity', Match.objectLike({ ReplicaRegion: 'us-west-2' }));
  template.hasResource('AWS::Lambda::Function', {
    Properties: Match.objectLike({
      Runtime: 'nodejs24.x',
      Environment: { Variables: { ENDPOINT_ID: { 'Fn::GetAtt': [endpointId, 'EndpointId'] }, FROM_ADDRESS: 'orders@example.com' } },
    }),
    DependsOn: Match.arrayWith([replicaId]),
  });
  // The sender's own role: its log group and the grant, no AWS managed policy.
  const senderRole = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('example sender') } }));
  expect(senderRole).toHaveLength(1);
  template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('example sender'), ManagedPolicyArns: Match.absent() });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  // Issue #13: the template exists in both regions, the endpoint is checked STRICTly.
  expect(Object.keys(template.findResources('Custom::SESEmailTemplate'))).toHaveLength(2);
  expect(Object.keys(template.findResources('Custom::SESConfigurationSet'))).toHaveLength(2);
  template.hasResourceProperties('Custom::SESMultiRegionEndpoint', { ProductionLimitsCheck: 'STRICT' });
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: senderRole[0] }],
    PolicyDocument: {
      Statement: [
        Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
        Match.objectLike({
          Action: ['ses:SendEmail', 'ses:SendBulkEmail'],
          Condition: { StringEquals: { 'ses:MultiRegionEndpointId': { 'Fn::GetAtt': [endpointId, 'EndpointId'] } } },
        }),
      ],
    },
  });
});
