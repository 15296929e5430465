/**
 * The example app's stack: domain identity, its DEED replica in the secondary region,
 * the tagged endpoint, and a sender granted to send through it.
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
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [Match.objectLike({
        Action: ['ses:SendEmail', 'ses:SendBulkEmail'],
        Condition: { StringEquals: { 'ses:MultiRegionEndpointId': { 'Fn::GetAtt': [endpointId, 'EndpointId'] } } },
      })],
    },
  });
});
