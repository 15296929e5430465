/**
 * Import, send grants, metrics and Tags.of: construct tests with exact template
 * assertions, and the read-only lookup end to end through the CloudFormation driver.
 */
import { App, CfnOutput, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { IMultiRegionEndpoint, MultiRegionConfigurationSet, MultiRegionEndpoint } from '../lib';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';

const ENV = { region: 'us-east-1', account: '123456789012' };
const newStack = () => new Stack(new App(), 'TestStack', { env: ENV });
const customResources = (stack: Stack, type: string) => Object.values<any>(Template.fromStack(stack).findResources(type));

describe('import', () => {
  test('fromMultiRegionEndpointAttributes creates nothing and exposes the attributes', () => {
    const stack = newStack();
    const endpoint = MultiRegionEndpoint.fromMultiRegionEndpointAttributes(stack, 'Imported', {
      endpointName: 'orders-mail', endpointId: 'abcdef12.g3h', secondaryRegion: 'us-west-2',
    });
    expect(Template.fromStack(stack).toJSON().Resources ?? {}).toEqual({});
    expect(endpoint.endpointName).toBe('orders-mail');
    expect(endpoint.endpointId).toBe('abcdef12.g3h');
    expect(endpoint.primaryRegion).toBe('us-east-1');
    expect(stack.resolve(endpoint.endpointArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:us-east-1:123456789012:multi-region-endpoint/orders-mail']],
    });
  });

  test.each([
    [{ endpointName: 'a b' }, "`attrs.endpointName` must match ^[\\w-]+$ and be 1-64 characters, got: 'a b'"],
    [{ endpointId: 'not an id' }, "`attrs.endpointId` must be an endpoint ID such as 'abcdef12.g3h', got: 'not an id'"],
    [{ secondaryRegion: 'us-east-1' }, "`attrs.secondaryRegion` must differ from the primary region (the stack's region, where the endpoint is created), got: 'us-east-1'"],
  ])('fromMultiRegionEndpointAttributes validates %j', (override, message) => {
    expect(() => MultiRegionEndpoint.fromMultiRegionEndpointAttributes(newStack(), 'Imported', {
      endpointName: 'orders-mail', endpointId: 'abcdef12.g3h', secondaryRegion: 'us-west-2', ...override,
    })).toThrow(message);
  });

  test('fromEndpointName looks the ID up at deploy time, read-only, through the shared provider', () => {
    const stack = newStack();
    new MultiRegionEndpoint(stack, 'Owned', { secondaryRegion: 'us-west-2' });
    const endpoint = MultiRegionEndpoint.fromEndpointName(stack, 'Imported', 'orders-mail');
    const [lookup] = customResources(stack, 'Custom::SESMultiRegionEndpointLookup');
    // ServiceTimeout: the lookup waits at most 30 minutes for a CREATING endpoint, CloudFormation 5 more (issue #12).
    expect(lookup.Properties).toEqual({ ServiceToken: expect.anything(), EndpointName: 'orders-mail', ServiceTimeout: '2100' });
    const [owned] = customResources(stack, 'Custom::SESMultiRegionEndpoint');
    expect(lookup.Properties.ServiceToken).toEqual(owned.Properties.ServiceToken);
    const logicalId = Object.keys(Template.fromStack(stack).findResources('Custom::SESMultiRegionEndpointLookup'))[0];
    expect(stack.resolve(endpoint.endpointId)).toEqual({ 'Fn::GetAtt': [logicalId, 'EndpointId'] });
    expect(stack.resolve(endpoint.secondaryRegion)).toEqual({ 'Fn::GetAtt': [logicalId, 'SecondaryRegion'] });
    expect(endpoint.endpointName).toBe('orders-mail');
    expect(() => MultiRegionEndpoint.fromEndpointName(newStack(), 'Bad', 'no way')).toThrow("`endpointName` must match ^[\\w-]+$ and be 1-64 characters, got: 'no way'");
  });
});

/** The statements of the policy granted to the role 'Sender'. */
function statements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^Sender') } });
  return (Object.values<any>(policies)[0]).Properties.PolicyDocument.Statement;
}

describe('grantSendEmail', () => {
  const identityArn = (region: string, name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:${region}:123456789012:identity/${name}`]] });

  test('SendEmail (no bulk send: IAM requires its template) on each identity in both regions, only through this endpoint', () => {
    const stack = newStack();
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    const identity = new ses.EmailIdentity(stack, 'Domain', { identity: ses.Identity.domain('example.com') });
    const sender = new iam.Role(stack, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = endpoint.grantSendEmail(sender, identity);
    expect(grant.success).toBe(true);
    const endpointLogicalId = stack.getLogicalId(endpoint.node.findChild('Resource').node.defaultChild as any);
    expect(stack.resolve(statements(stack))).toEqual([{
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:us-east-1:123456789012:identity/', { Ref: stack.getLogicalId(identity.node.defaultChild as any) }]] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:us-west-2:123456789012:identity/', { Ref: stack.getLogicalId(identity.node.defaultChild as any) }]] },
      ],
      Condition: { StringEquals: { 'ses:MultiRegionEndpointId': { 'Fn::GetAtt': [endpointLogicalId, 'EndpointId'] } } },
    }]);
  });

  test('by identity name, on an imported endpoint', () => {
    const stack = newStack();
    const endpoint: IMultiRegionEndpoint = MultiRegionEndpoint.fromMultiRegionEndpointAttributes(stack, 'Imported', {
      endpointName: 'orders-mail', endpointId: 'abcdef12.g3h', secondaryRegion: 'eu-west-1',
    });
    const sender = new iam.Role(stack, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    endpoint.grantSendEmailFrom(sender, 'example.com', 'orders@example.org');
    expect(stack.resolve(statements(stack))).toEqual([{
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Resource: [
        identityArn('us-east-1', 'example.com'), identityArn('eu-west-1', 'example.com'),
        identityArn('us-east-1', 'orders@example.org'), identityArn('eu-west-1', 'orders@example.org'),
      ],
      Condition: { StringEquals: { 'ses:MultiRegionEndpointId': 'abcdef12.g3h' } },
    }]);
  });

  test('needs at least one identity', () => {
    const stack = newStack();
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    const sender = new iam.Role(stack, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => endpoint.grantSendEmail(sender)).toThrow('`grantSendEmail` needs at least one identity to send from, got none');
    // Issue #14: the message names the method the user called.
    expect(() => endpoint.grantSendEmailFrom(sender)).toThrow('`grantSendEmailFrom` needs at least one identity name to send from, got none');
  });
});

describe('grantSendEmailWith', () => {
  test('identities, configuration sets and templates in both regions; SendBulkEmail only with templates', () => {
    const stack = newStack();
    const endpoint = MultiRegionEndpoint.fromMultiRegionEndpointAttributes(stack, 'Imported', {
      endpointName: 'orders-mail', endpointId: 'abcdef12.g3h', secondaryRegion: 'us-west-2',
    });
    const sender = new iam.Role(stack, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const configurationSet = new MultiRegionConfigurationSet(stack, 'Set', { secondaryRegion: 'us-west-2', configurationSetName: 'transactional' });
    endpoint.grantSendEmailWith(sender, { identityNames: ['example.com'], configurationSets: [configurationSet], templateNames: ['welcome'] });
    const arns = (resource: string) => ['us-east-1', 'us-west-2'].map((region) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:${region}:123456789012:${resource}`]],
    }));
    const [statement] = stack.resolve(statements(stack));
    expect(statement.Action).toEqual(['ses:SendEmail', 'ses:SendBulkEmail']);
    expect(statement.Condition).toEqual({ StringEquals: { 'ses:MultiRegionEndpointId': 'abcdef12.g3h' } });
    expect(statement.Resource).toEqual([
      ...arns('identity/example.com'),
      ...['us-east-1', 'us-west-2'].map((region) => ({
        // The name is the primary resource's attribute: the set exists in both regions once it resolves.
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:${region}:123456789012:configuration-set/`, stack.resolve(configurationSet.configurationSetName)]],
      })),
      ...arns('template/welcome'),
    ]);
  });

  test('needs an identity; names are checked at synth, naming the option', () => {
    const stack = newStack();
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    const sender = new iam.Role(stack, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => endpoint.grantSendEmailWith(sender, { templateNames: ['welcome'] }))
      .toThrow('`grantSendEmailWith` needs at least one identity to send from in `identities` or `identityNames`, got none');
    expect(() => endpoint.grantSendEmailWith(sender, { identityNames: ['example.com'], templateNames: ['wel come'], configurationSetNames: ['a'.repeat(65)] }))
      .toThrow(`\`configurationSetNames\` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: '${'a'.repeat(65)}'; `
        + "`templateNames` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: 'wel come'");
  });
});

describe('metrics', () => {
  test('AWS/SES with the endpoint-id dimension, Sum over 5 minutes, overridable', () => {
    const stack = newStack();
    const endpoint = MultiRegionEndpoint.fromMultiRegionEndpointAttributes(stack, 'Imported', {
      endpointName: 'orders-mail', endpointId: 'abcdef12.g3h', secondaryRegion: 'us-west-2',
    });
    const expected = (metricName: string) => ({
      namespace: 'AWS/SES', metricName, dimensions: { 'ses:multi-region-endpoint-id': 'abcdef12.g3h' }, statistic: 'Sum', period: 300,
    });
    const shape = (m: cloudwatch.Metric) => ({
      namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, statistic: m.statistic, period: m.period.toSeconds(),
    });
    expect(shape(endpoint.metricSendCount())).toEqual(expected('SendCount'));
    expect(endpoint.metricSendCount().region).toBe('us-east-1');
    expect(endpoint.metricSendCount({ region: endpoint.secondaryRegion }).region).toBe('us-west-2');
    // Issue #13: only SendCount is documented for this dimension; no helper names another metric.
    const helpers = Object.getOwnPropertyNames(Object.getPrototypeOf(Object.getPrototypeOf(endpoint))).filter((n) => n.startsWith('metric'));
    expect(helpers.sort()).toEqual(['metric', 'metricSendCount']);
    const custom = endpoint.metric('RenderingFailure', { statistic: 'Average', region: 'us-west-2' });
    expect(custom.statistic).toBe('Average');
    expect(custom.region).toBe('us-west-2');
  });

  test('the dashboard graph shows SendCount in both regions and their total', () => {
    const stack = newStack();
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    new cloudwatch.Dashboard(stack, 'Mail', { widgets: [[endpoint.sendCountWidget({ period: Duration.minutes(1) })]] });
    const [dashboard] = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    const endpointLogicalId = stack.getLogicalId(endpoint.node.findChild('Resource').node.defaultChild as any);
    // The body is a Fn::Join of JSON text and tokens: put the tokens back as text to read it as JSON.
    const parts: any[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
    const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join('');
    const [widget] = JSON.parse(text).widgets;
    expect(widget.properties.title).toBe(`Sends through SES global endpoint {'Ref':'${endpointLogicalId}'}`);
    const endpointId = `{'Fn::GetAtt':['${endpointLogicalId}','EndpointId']}`;
    expect(widget.properties.metrics).toEqual([
      ['AWS/SES', 'SendCount', 'ses:multi-region-endpoint-id', endpointId, { label: 'us-east-1', id: 'p', region: 'us-east-1', period: 60, stat: 'Sum' }],
      ['AWS/SES', 'SendCount', 'ses:multi-region-endpoint-id', endpointId, { label: 'us-west-2', id: 's', region: 'us-west-2', period: 60, stat: 'Sum' }],
      [{ label: 'both regions', expression: 'FILL(p, 0) + FILL(s, 0)', period: 60 }],
    ]);
  });

  test('an alarm on an owned endpoint renders the EndpointId attribute as the dimension', () => {
    const stack = newStack();
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    endpoint.metricSendCount().createAlarm(stack, 'NoSends', { threshold: 1, evaluationPeriods: 1 });
    const endpointLogicalId = stack.getLogicalId(endpoint.node.findChild('Resource').node.defaultChild as any);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'SendCount',
      Dimensions: [{ Name: 'ses:multi-region-endpoint-id', Value: { 'Fn::GetAtt': [endpointLogicalId, 'EndpointId'] } }],
      Statistic: 'Sum',
      Period: 300,
    });
  });
});

describe('Tags.of', () => {
  test('reaches the endpoint and merges with props.tags; remove works too', () => {
    const stack = newStack();
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', tags: { team: 'mail', tier: 'gold' } });
    Tags.of(stack).add('env', 'prod');
    Tags.of(endpoint).remove('tier');
    const [resource] = customResources(stack, 'Custom::SESMultiRegionEndpoint');
    expect(resource.Properties.Tags).toEqual([{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'mail' }]);
  });

  test('tags added by Tags.of are validated before synthesis', () => {
    const stack = newStack();
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    Tags.of(stack).add('bad*key', 'v');
    expect(() => Template.fromStack(stack)).toThrow("`tags` and `Tags.of()` keys must be 1-128 characters of Unicode letters, digits, white space or _ . : / = + -, got: 'bad*key'");
  });

  test('the tag limit counts `tags` and `Tags.of()` together, and says so (issue #14)', () => {
    const stack = newStack();
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'])) });
    for (let i = 0; i < 10; i++) Tags.of(stack).add(`extra${i}`, 'v');
    expect(() => Template.fromStack(stack)).toThrow('`tags` and `Tags.of()` may hold at most 49 tags (SES allows 50, this library keeps 1 for its ownership tag), got: 50');
  });
});

describe('fromEndpointName through CloudFormation', () => {
  let emulator: SesEmulator;
  beforeAll(async () => { emulator = await SesEmulator.start(); });
  afterAll(async () => emulator?.stop());
  beforeEach(() => {
    emulator.reset();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const lambdaEnv = () => ({ ...emulator.clientEnv('us-east-1'), SES_CALL_PERIOD_MS: '25' });

  function lookupStack(name: string) {
    const app = new App();
    const stack = new Stack(app, 'Consumer', { env: ENV });
    const endpoint = MultiRegionEndpoint.fromEndpointName(stack, 'Imported', name);
    new CfnOutput(stack, 'EndpointId', { value: endpoint.endpointId });
    new CfnOutput(stack, 'Secondary', { value: endpoint.secondaryRegion });
    return app.synth();
  }

  test('resolves the ID of an existing endpoint and never writes to it', async () => {
    const existing = emulator.seed({ region: 'us-east-1', endpointName: 'orders-mail', routes: ['us-west-2'], tags: { owner: 'platform' } });
    const cfn = new CloudFormationDriver({ stackName: 'Consumer', lambdaEnv: lambdaEnv() });
    const deployed = await cfn.deploy(lookupStack('orders-mail'));
    expect(deployed).toMatchObject({ status: 'CREATE_COMPLETE', outputs: { EndpointId: existing.endpointId, Secondary: 'us-west-2' } });
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.calls.map((c) => c.operation)).toEqual(['GetMultiRegionEndpoint']);
    expect(emulator.endpoint('us-east-1', 'orders-mail')).toMatchObject({ status: 'READY', tags: { owner: 'platform' } });
  });

  test('a missing endpoint fails the deploy with a clear message', async () => {
    const cfn = new CloudFormationDriver({ stackName: 'Consumer', lambdaEnv: lambdaEnv() });
    const deployed = await cfn.deploy(lookupStack('nowhere'));
    expect(deployed.status).toBe('ROLLBACK_COMPLETE');
    expect(deployed.reason).toBe("No SES multi-region endpoint named 'nowhere' exists in us-east-1 (only endpoints whose primary region is the stack's region can be looked up): check the name, or create it first.");
    expect(emulator.calls.filter((c) => c.operation !== 'GetMultiRegionEndpoint')).toEqual([]);
  });
});
