import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { MultiRegionEndpoint, MultiRegionEndpointProps, ProductionLimitsCheck } from '../lib';

const RESOURCE_TYPE = 'Custom::SESMultiRegionEndpoint';

function stackIn(region?: string, stackName = 'TestStack'): Stack {
  return new Stack(new App(), stackName, region ? { env: { region, account: '123456789012' } } : undefined);
}

function endpointProperties(stack: Stack): Record<string, any> {
  const resources = Template.fromStack(stack).findResources(RESOURCE_TYPE);
  const values = Object.values(resources);
  expect(values).toHaveLength(1);
  return (values[0] as any).Properties;
}

function generatedName(stackName: string, constructId: string, secondaryRegion: string): string {
  const stack = stackIn('us-east-1', stackName);
  new MultiRegionEndpoint(stack, constructId, { secondaryRegion });
  return endpointProperties(stack).EndpointName;
}

describe('the custom resource', () => {
  test('has the fixed type, the route, the tags and the timeout', () => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'Global', {
      secondaryRegion: 'us-west-2',
      endpointName: 'orders-mail',
      tags: { team: 'mail', cost: 'center-1' },
      timeout: Duration.minutes(10),
    });
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProviderframeworkonEvent'), 'Arn'] },
      EndpointName: 'orders-mail',
      Details: { RouteDetails: [{ Region: 'us-west-2' }] },
      // Sorted by key: the template does not change with the object's key order.
      Tags: [{ Key: 'cost', Value: 'center-1' }, { Key: 'team', Value: 'mail' }],
      TimeoutSeconds: 600,
    });
  });

  test('defaults: no tags, 30 minutes, DESTROY', () => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders-mail' });
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, {
      Properties: Match.objectLike({ Tags: [], TimeoutSeconds: 1800 }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('RemovalPolicy.RETAIN leaves the endpoint in place on delete and on replacement', () => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('exposes Ref as endpointName and GetAtt for EndpointId, Arn and Status', () => {
    const stack = stackIn('us-east-1');
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders-mail' });
    const logicalId = stack.getLogicalId(endpoint.node.defaultChild as any);
    expect(stack.resolve(endpoint.endpointName)).toEqual({ Ref: logicalId });
    expect(stack.resolve(endpoint.endpointId)).toEqual({ 'Fn::GetAtt': [logicalId, 'EndpointId'] });
    expect(stack.resolve(endpoint.endpointArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'Arn'] });
    expect(stack.resolve(endpoint.endpointStatus)).toEqual({ 'Fn::GetAtt': [logicalId, 'Status'] });
    expect(endpoint.primaryRegion).toBe('us-east-1');
    expect(endpoint.secondaryRegion).toBe('us-west-2');
  });

  test('depends on the handler role and its policy, so permissions outlive the endpoint', () => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    const template = Template.fromStack(stack);
    const [role] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('SES multi-region') } }));
    const [policy] = Object.keys(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
    const [resource] = Object.values(template.findResources(RESOURCE_TYPE)) as any[];
    expect(resource.DependsOn).toEqual(expect.arrayContaining([role, policy]));
  });
});

describe('generated names', () => {
  test('are deterministic across synths', () => {
    expect(generatedName('S', 'Global', 'us-west-2')).toEqual(generatedName('S', 'Global', 'us-west-2'));
  });

  test('are unique per stack and construct path', () => {
    const names = new Set([
      generatedName('S', 'Global', 'us-west-2'),
      generatedName('T', 'Global', 'us-west-2'),
      generatedName('S', 'Other', 'us-west-2'),
    ]);
    expect(names.size).toBe(3);
  });

  test('change with the secondary region, so a region change is a replacement', () => {
    const a = generatedName('S', 'Global', 'us-west-2');
    const b = generatedName('S', 'Global', 'eu-west-1');
    expect(a).not.toEqual(b);
    expect(a.replace(/us-west-2$/, '')).toEqual(b.replace(/eu-west-1$/, ''));
  });

  test('fit SES rules even for deep paths and long regions', () => {
    const stack = stackIn('us-east-1', 'AVeryLongStackNameThatGoesOnAndOnForeverAndEver');
    let scope: Construct = stack;
    for (let i = 0; i < 8; i++) scope = new Construct(scope, `NestedConstructNumber${i}`);
    new MultiRegionEndpoint(scope, 'Endpoint', { secondaryRegion: 'ap-southeast-5' });
    const name: string = endpointProperties(stack).EndpointName;
    expect(name).toMatch(/^[\w-]{1,64}$/);
    expect(name.endsWith('-ap-southeast-5')).toBe(true);
  });

  test('follow a secondary region that is only known at deploy time', () => {
    const stack = stackIn('us-east-1');
    const region = new CfnParameter(stack, 'Secondary');
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: region.valueAsString });
    const join = endpointProperties(stack).EndpointName['Fn::Join'];
    expect(join[1][0]).toMatch(/^TestStack-Global-[0-9a-f]{8}-$/);
    expect(join[1][1]).toEqual({ Ref: 'Secondary' });
  });
});

describe('one provider per stack', () => {
  test('three endpoints share one provider, one role and two handlers', () => {
    const counts = (n: number) => {
      const stack = stackIn('us-east-1');
      for (let i = 0; i < n; i++) new MultiRegionEndpoint(stack, `E${i}`, { secondaryRegion: 'us-west-2' });
      const template = Template.fromStack(stack);
      template.resourceCountIs(RESOURCE_TYPE, n);
      const tokens = new Set(Object.values(template.findResources(RESOURCE_TYPE)).map((r: any) => JSON.stringify(r.Properties.ServiceToken)));
      expect(tokens.size).toBe(1);
      return {
        functions: Object.keys(template.findResources('AWS::Lambda::Function')).length,
        roles: Object.keys(template.findResources('AWS::IAM::Role')).length,
        machines: Object.keys(template.findResources('AWS::StepFunctions::StateMachine')).length,
      };
    };
    expect(counts(3)).toEqual(counts(1));
    expect(counts(1).machines).toBe(1);
  });

  test('handlers run on Node.js 24 (arm64) from the bundled asset, logging to a log group with retention', () => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    const template = Template.fromStack(stack);
    for (const handler of ['onEvent', 'isComplete']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: `index.${handler}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        // onEvent may wait a whole round of the stack's turns, per call.
        Timeout: 900,
        // isComplete polls SES at the resource's turns for up to two minutes per invocation;
        // the stack takes one turn every 2 s, and the slot list names this one resource.
        Environment: { Variables: { POLL_WINDOW_MS: '120000', SES_CALL_PERIOD_MS: '2000', SES_CALL_SLOTS: Match.stringLikeRegexp('^6/[0-9a-f]{6}$') } },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('ProviderLogs') } },
      });
    }
    // Findable by the stack's name, one group per incarnation of the stack (its ARN's UUID), kept
    // on deletion so that a failed first deploy's rollback does not take its logs with it.
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        RetentionInDays: 90,
        LogGroupName: {
          'Fn::Join': ['', ['/cdk-ses-multi-region-endpoint/TestStack/', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    // The framework invokes isComplete every second, for at most one hour.
    const [machine] = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(machine.Properties.DefinitionString)).toContain('\\"IntervalSeconds\\":1,\\"MaxAttempts\\":3600,');
  });
});

test('every resource of the library in the stack has its own slot in the one schedule; adding one changes only the slot list', () => {
  const slotsOf = (stack: Stack) => {
    const template = Template.fromStack(stack);
    const fns = Object.values<any>(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.onEvent' } }));
    return { slots: fns[0].Properties.Environment.Variables.SES_CALL_SLOTS as string, template };
  };
  const build = (extra: boolean) => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'A', { secondaryRegion: 'us-west-2' });
    new MultiRegionEndpoint(stack, 'B', { secondaryRegion: 'us-west-2' });
    MultiRegionEndpoint.fromEndpointName(stack, 'Looked', 'existing');
    if (extra) new MultiRegionEndpoint(stack, 'C', { secondaryRegion: 'us-west-2' });
    return slotsOf(stack);
  };
  const three = build(false);
  const four = build(true);
  expect(three.slots).toMatch(/^6\/[0-9a-f]{18}$/);
  expect(four.slots).toMatch(/^6\/[0-9a-f]{24}$/);
  // The custom resources themselves do not change: no update of A, B or the lookup.
  for (const type of ['Custom::SESMultiRegionEndpoint', 'Custom::SESMultiRegionEndpointLookup']) {
    const before = three.template.findResources(type);
    const after = four.template.findResources(type);
    for (const [id, resource] of Object.entries(before)) expect(after[id]).toEqual(resource);
  }
});

describe('IAM', () => {
  test('least privilege: endpoint ARNs for Get/Delete, * only where SES has no resource type, SLR only for SES', () => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('HandlerRole') } });
    const statements = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
    const ses = statements.filter((s: any) => JSON.stringify(s.Action).includes('ses:'));
    expect(stack.resolve(ses)).toEqual([
      {
        Sid: 'ManageOwnEndpoints',
        Effect: 'Allow',
        Action: ['ses:GetMultiRegionEndpoint', 'ses:DeleteMultiRegionEndpoint'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:us-east-1:123456789012:multi-region-endpoint/*']] },
      },
      {
        Sid: 'CreateAndTagEndpoints',
        Effect: 'Allow',
        Action: ['ses:CreateMultiRegionEndpoint', 'ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'],
        Resource: '*',
        // Issue #12: '*' only in the stack's region, where the endpoints live.
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      },
      {
        // Issue #13: the production-limits check reads the account state of both regions, no other.
        Sid: 'ReadSendingAccount',
        Effect: 'Allow',
        Action: 'ses:GetAccount',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } },
      },
    ]);
    const slr = statements.find((s: any) => s.Action === 'iam:CreateServiceLinkedRole');
    expect(slr).toEqual({
      Sid: 'CreateSesServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:role/aws-service-role/ses.amazonaws.com/*']] },
      Condition: { StringEquals: { 'iam:AWSServiceName': 'ses.amazonaws.com' } },
    });
    // Nothing else is granted on '*' and no managed policy is attached.
    const others = statements.filter((s: any) => !ses.includes(s) && s !== slr);
    expect(others.every((s: any) => s.Resource !== '*' && JSON.stringify(s.Action).includes('logs:'))).toBe(true);
    template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('SES'), ManagedPolicyArns: Match.absent() });
  });
});

test('the production-limits check: PARITY by default, the mode given, both regions\' account state as attributes', () => {
  const stack = stackIn('us-east-1');
  const parity = new MultiRegionEndpoint(stack, 'Parity', { secondaryRegion: 'us-west-2' });
  const strict = new MultiRegionEndpoint(stack, 'Strict', { secondaryRegion: 'eu-west-1', productionLimitsCheck: ProductionLimitsCheck.STRICT });
  const template = Template.fromStack(stack);
  const checkOf = (endpoint: MultiRegionEndpoint) => template.toJSON().Resources[stack.getLogicalId(endpoint.node.findChild('Resource').node.defaultChild as any)]
    .Properties.ProductionLimitsCheck;
  expect([checkOf(parity), checkOf(strict)]).toEqual(['PARITY', 'STRICT']);
  const logicalId = stack.getLogicalId(strict.node.findChild('Resource').node.defaultChild as any);
  expect(stack.resolve(strict.secondarySendingAccount)).toEqual({
    productionAccessEnabled: { 'Fn::GetAtt': [logicalId, 'SecondaryProductionAccessEnabled'] },
    sendingEnabled: { 'Fn::GetAtt': [logicalId, 'SecondarySendingEnabled'] },
    max24HourSend: { 'Fn::GetAtt': [logicalId, 'SecondaryMax24HourSend'] },
    maxSendRate: { 'Fn::GetAtt': [logicalId, 'SecondaryMaxSendRate'] },
  });
  expect(stack.resolve(strict.primarySendingAccount.maxSendRate)).toEqual({ 'Fn::GetAtt': [logicalId, 'PrimaryMaxSendRate'] });
  // One statement for GetAccount, naming every region read.
  const policy = Object.values<any>(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('HandlerRole') } }))[0];
  const reads = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'ses:GetAccount');
  expect(reads.map((s: any) => s.Condition)).toEqual([{ StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2', 'eu-west-1'] } }]);
});

describe('validation at synth', () => {
  const valid: MultiRegionEndpointProps = { secondaryRegion: 'us-west-2' };
  const create = (props: Partial<MultiRegionEndpointProps>, region = 'us-east-1') => () =>
    new MultiRegionEndpoint(stackIn(region), 'Global', { ...valid, ...props } as MultiRegionEndpointProps);

  test.each([
    ['a b'], [''], ['x'.repeat(65)], ['dots.not.allowed'], ['ünïcode'],
  ])('endpointName %j', (name) => {
    expect(create({ endpointName: name })).toThrow(`\`endpointName\` must match ^[\\w-]+$ and be 1-64 characters, got: '${name}'`);
  });

  test('endpointName at the limits is accepted', () => {
    expect(create({ endpointName: 'x'.repeat(64) })).not.toThrow();
    expect(create({ endpointName: 'a' })).not.toThrow();
    expect(create({ endpointName: 'with_under-score-09' })).not.toThrow();
  });

  test.each([[''], ['uswest2'], ['US-WEST-2'], ['us-west'], ['us-west-2 ']])('secondaryRegion %j', (region) => {
    expect(create({ secondaryRegion: region })).toThrow(`\`secondaryRegion\` must be an AWS region name such as 'us-west-2', got: '${region}'`);
  });

  test('secondaryRegion must differ from the stack region when both are known', () => {
    expect(create({ secondaryRegion: 'us-east-1' })).toThrow("`secondaryRegion` must differ from the primary region (the stack's region, where the endpoint is created), got: 'us-east-1'");
    expect(() => new MultiRegionEndpoint(stackIn(), 'Global', { secondaryRegion: 'us-east-1' })).not.toThrow();
  });

  test('real region shapes are accepted', () => {
    for (const region of ['eu-west-1', 'us-gov-west-1', 'ap-southeast-5', 'eusc-de-east-1', 'cn-north-1']) {
      expect(create({ secondaryRegion: region })).not.toThrow();
    }
  });

  test('at most 49 tags', () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(create({ tags: tags(49) })).not.toThrow();
    expect(create({ tags: tags(50) })).toThrow('`tags` may hold at most 49 tags (SES allows 50, this library keeps 1 for its ownership tag), got: 50');
  });

  test.each([
    ['x'.repeat(129), 'v', "`tags` keys must be 1-128 characters of Unicode letters, digits, white space or _ . : / = + -, got: '" + 'x'.repeat(129) + "'"],
    ['bad*key', 'v', "`tags` keys must be 1-128 characters of Unicode letters, digits, white space or _ . : / = + -, got: 'bad*key'"],
    ['aws:owner', 'v', "`tags` keys must not start with 'aws:' (reserved by AWS), got: 'aws:owner'"],
    ['cdk-ses-multi-region-endpoint:owner', 'v', "`tags` key 'cdk-ses-multi-region-endpoint:owner' is reserved by this library"],
    ['k', 'x'.repeat(257), "`tags` value of 'k' must be 0-256 characters of Unicode letters, digits, white space or _ . : / = + -, got: '" + 'x'.repeat(257) + "'"],
    ['k', 'semi;colon', "`tags` value of 'k' must be 0-256 characters of Unicode letters, digits, white space or _ . : / = + -, got: 'semi;colon'"],
  ])('tag %j=%j', (key, value, message) => {
    expect(create({ tags: { [key]: value } })).toThrow(message);
  });

  test('tags at the limits and with Unicode letters are accepted', () => {
    expect(create({ tags: { ['k'.repeat(128)]: 'v'.repeat(256), 'Équipe': 'Courrier électronique', 'path/a=b+c:d.e_f-g': '' } })).not.toThrow();
  });

  test.each([
    [Duration.seconds(4), '4 seconds'], [Duration.minutes(56), '3360 seconds'], [Duration.millis(5500), '5.5 seconds'],
  ])('timeout %s', (timeout, got) => {
    expect(create({ timeout })).toThrow(`\`timeout\` must be a whole number of seconds between 5 seconds and 55 minutes (CloudFormation gives a custom resource at most 60 minutes, and the library keeps 5 of them to fail with its own message), got: ${got}`);
  });

  test('timeout at the limits is accepted', () => {
    expect(create({ timeout: Duration.seconds(5) })).not.toThrow();
    expect(create({ timeout: Duration.minutes(55) })).not.toThrow();
  });

  test('explicit names are unique within a stack', () => {
    const stack = stackIn('us-east-1');
    new MultiRegionEndpoint(stack, 'A', { secondaryRegion: 'us-west-2', endpointName: 'same' });
    expect(() => new MultiRegionEndpoint(stack, 'B', { secondaryRegion: 'eu-west-1', endpointName: 'same' }))
      .toThrow("`endpointName` must be unique in the stack, got: 'same' (already used by TestStack/A)");
  });

  test('unresolved tokens are left to the handler', () => {
    const stack = stackIn('us-east-1');
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const region = new CfnParameter(stack, 'Region').valueAsString;
    const value = new CfnParameter(stack, 'Value').valueAsString;
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: region, endpointName: name, tags: { team: value } });
    expect(endpointProperties(stack)).toMatchObject({
      EndpointName: { Ref: 'Name' },
      Details: { RouteDetails: [{ Region: { Ref: 'Region' } }] },
      Tags: [{ Key: 'team', Value: { Ref: 'Value' } }],
    });
  });
});
