import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ses from 'aws-cdk-lib/aws-ses';
import { MultiRegionEndpoint } from '../lib/multi-region-endpoint';
import { ReplicaEmailIdentity, ReplicaEmailIdentityProps } from '../lib/replica-email-identity';

const RESOURCE_TYPE = 'Custom::SESReplicaEmailIdentity';
const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'provider', 'index', 'index.js');
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

function stackIn(region?: string, app = new App()): Stack {
  return new Stack(app, 'TestStack', region ? { env: { region, account: '123456789012' } } : undefined);
}

function replicaIn(stack: Stack, props: Partial<ReplicaEmailIdentityProps> = {}, id = 'Replica'): ReplicaEmailIdentity {
  return new ReplicaEmailIdentity(stack, id, { parentIdentityName: 'example.com', replicaRegion: 'us-west-2', ...props });
}

/** The replicas' custom resources and their policies, by logical id. */
function resourcesOf(stack: Stack) {
  const template = Template.fromStack(stack);
  return {
    template,
    replicas: template.findResources(RESOURCE_TYPE) as Record<string, any>,
    // Each replica's own policy (the provider's roles have DefaultPolicy ones).
    policies: Object.fromEntries(Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]: [string, any]) => !/DefaultPolicy/.test(p.Properties.PolicyName))) as Record<string, any>,
  };
}

function onlyReplica(stack: Stack): { logicalId: string; resource: any } {
  const entries = Object.entries(resourcesOf(stack).replicas);
  expect(entries).toHaveLength(1);
  return { logicalId: entries[0][0], resource: entries[0][1] };
}

describe('the custom resource', () => {
  test('has the fixed type, the parent, the replica region and the timeout', () => {
    const stack = stackIn('us-east-1');
    replicaIn(stack, { timeout: Duration.minutes(10) });
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('cdksesmultiregionendpointProviderframeworkonEvent'), 'Arn'] },
      ParentIdentityName: 'example.com',
      ReplicaRegion: 'us-west-2',
      TimeoutSeconds: 600,
      // CloudFormation's own limit, 5 minutes past the handler's (issue #12).
      ServiceTimeout: '900',
    });
    expect(Object.keys(onlyReplica(stack).resource.Properties).sort()).toEqual(['ParentIdentityName', 'ReplicaRegion', 'ServiceTimeout', 'ServiceToken', 'TimeoutSeconds']);
  });

  test('defaults: 30 minutes, DESTROY', () => {
    const stack = stackIn('us-east-1');
    replicaIn(stack);
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, {
      Properties: Match.objectLike({ TimeoutSeconds: 1800 }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('RemovalPolicy.RETAIN leaves the replica in place on delete and on replacement', () => {
    const stack = stackIn('us-east-1');
    replicaIn(stack, { removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('exposes GetAtt for IdentityName, IdentityArn and SigningAttributesOrigin, and the regions', () => {
    const stack = stackIn('us-east-1');
    const replica = replicaIn(stack);
    const { logicalId } = onlyReplica(stack);
    expect(stack.resolve(replica.identityName)).toEqual({ 'Fn::GetAtt': [logicalId, 'IdentityName'] });
    expect(stack.resolve(replica.identityArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'IdentityArn'] });
    expect(stack.resolve(replica.signingAttributesOrigin)).toEqual({ 'Fn::GetAtt': [logicalId, 'SigningAttributesOrigin'] });
    expect(stack.resolve(replica.parentIdentityArn)).toEqual(partitionArn(':ses:us-east-1:123456789012:identity/example.com'));
    expect(replica.parentIdentityName).toBe('example.com');
    expect(replica.primaryRegion).toBe('us-east-1');
    expect(replica.replicaRegion).toBe('us-west-2');
    expect(ReplicaEmailIdentity.RESOURCE_TYPE).toBe(RESOURCE_TYPE);
  });

  test('depends on its own policy, so its permissions outlive it', () => {
    const stack = stackIn('us-east-1');
    replicaIn(stack);
    const { replicas, policies } = resourcesOf(stack);
    const [policy] = Object.keys(policies);
    expect((Object.values(replicas)[0] as any).DependsOn).toEqual([policy]);
  });
});

describe('IAM', () => {
  test('least privilege: the parent ARN with the ReplicaRegion condition, the replica ARN in the replica region, nothing on *', () => {
    const stack = stackIn('us-east-1');
    replicaIn(stack);
    const { template, policies } = resourcesOf(stack);
    const [role] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('DEED replica') } }));
    const policy = Object.values(policies)[0] as any;
    expect(policy.Properties.Roles).toEqual([{ Ref: role }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ReplicateParentDkimSigningKey',
        Effect: 'Allow',
        Action: 'ses:ReplicateEmailIdentityDKIMSigningKey',
        Resource: partitionArn(':ses:us-east-1:123456789012:identity/example.com'),
        Condition: { 'ForAllValues:StringEquals': { 'ses:ReplicaRegion': ['us-west-2'] } },
      },
      {
        Sid: 'ReadParentIdentity',
        Effect: 'Allow',
        Action: 'ses:GetEmailIdentity',
        Resource: partitionArn(':ses:us-east-1:123456789012:identity/example.com'),
      },
      {
        Sid: 'ManageReplicaIdentity',
        Effect: 'Allow',
        Action: ['ses:CreateEmailIdentity', 'ses:GetEmailIdentity', 'ses:DeleteEmailIdentity', 'ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'],
        Resource: partitionArn(':ses:us-west-2:123456789012:identity/example.com'),
      },
    ]);
  });

  test('in a stack of replicas only, the shared role has no SES permission of its own and no managed policy', () => {
    const stack = stackIn('us-east-1');
    replicaIn(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('DEED replica'), ManagedPolicyArns: Match.absent() });
    const defaults = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('ProviderHandlerRoleDefaultPolicy') } });
    const statements = (Object.values(defaults)[0] as any).Properties.PolicyDocument.Statement;
    expect(statements.every((s: any) => JSON.stringify(s.Action).includes('logs:') && s.Resource !== '*')).toBe(true);
  });

  test('an env-agnostic stack and a parent given as a token: ARNs built with the tokens', () => {
    const stack = stackIn();
    const parent = new ses.EmailIdentity(stack, 'Parent', { identity: ses.Identity.domain('example.com') });
    ReplicaEmailIdentity.forEmailIdentity(stack, 'Replica', parent, 'eu-west-1');
    const policy = Object.values(resourcesOf(stack).policies)[0] as any;
    const [replicate, , manage] = policy.Properties.PolicyDocument.Statement;
    expect(replicate.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/', { Ref: 'Parent8B210403' }]],
    });
    expect(manage.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:eu-west-1:', { Ref: 'AWS::AccountId' }, ':identity/', { Ref: 'Parent8B210403' }]],
    });
  });
});

describe('replacement', () => {
  const ids = (props: Partial<ReplicaEmailIdentityProps>) => {
    const stack = stackIn('us-east-1');
    replicaIn(stack, props);
    const { replicas, policies } = resourcesOf(stack);
    const [policy] = Object.entries(policies);
    return { resource: Object.keys(replicas)[0], policy: policy[0], policyName: policy[1].Properties.PolicyName };
  };

  test('a new region or parent gets new logical ids and policy name: the old replica is deleted with its old policy', () => {
    const base = ids({});
    const region = ids({ replicaRegion: 'eu-west-1' });
    const parent = ids({ parentIdentityName: 'mail.example.com' });
    for (const other of [region, parent]) {
      expect(other.resource).not.toEqual(base.resource);
      expect(other.policy).not.toEqual(base.policy);
      expect(other.policyName).not.toEqual(base.policyName);
    }
    expect(base.resource).toMatch(/^Replica[0-9A-F]{8}[0-9A-F]{8}$/);
    expect(base.policyName).toMatch(/^[\w+=,.@-]{1,128}$/);
  });

  test('the same replica keeps its logical ids across synths and timeout changes', () => {
    expect(ids({})).toEqual(ids({}));
    expect(ids({ timeout: Duration.minutes(5) })).toEqual(ids({}));
  });

  test('unresolved values keep the ids stable', () => {
    const idsWith = (value: string) => {
      const stack = stackIn('us-east-1');
      const name = new CfnParameter(stack, 'Name', { default: value }).valueAsString;
      replicaIn(stack, { parentIdentityName: name });
      return Object.keys(resourcesOf(stack).replicas);
    };
    expect(idsWith('a.com')).toEqual(idsWith('b.com'));
  });
});

describe('one provider per stack', () => {
  test('three replicas share one provider, one role and two handlers; each has its own policy on that role', () => {
    const counts = (n: number) => {
      const stack = stackIn('us-east-1');
      for (let i = 0; i < n; i++) replicaIn(stack, { parentIdentityName: `d${i}.example.com` }, `R${i}`);
      const { template, replicas, policies } = resourcesOf(stack);
      template.resourceCountIs(RESOURCE_TYPE, n);
      expect(new Set(Object.values(replicas).map((r: any) => JSON.stringify(r.Properties.ServiceToken))).size).toBe(1);
      expect(Object.keys(policies)).toHaveLength(n);
      expect(new Set(Object.values(policies).map((p: any) => JSON.stringify(p.Properties.Roles))).size).toBe(1);
      return {
        functions: Object.keys(template.findResources('AWS::Lambda::Function')).length,
        roles: Object.keys(template.findResources('AWS::IAM::Role')).length,
        machines: Object.keys(template.findResources('AWS::StepFunctions::StateMachine')).length,
      };
    };
    expect(counts(3)).toEqual(counts(1));
    expect(counts(1).machines).toBe(1);
  });

  test('handlers run on Node.js 24 (arm64) from the provider bundle, logging to a log group with retention', () => {
    const app = new App();
    const stack = stackIn('us-east-1', app);
    replicaIn(stack);
    const template = Template.fromStack(stack);
    for (const handler of ['onEvent', 'isComplete']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: `index.${handler}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('cdksesmultiregionendpointProviderLogs') } },
      });
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    const [onEvent] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.onEvent' } })) as any[];
    const staged = path.join(app.synth().directory, `asset.${onEvent.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js');
    expect(fs.readFileSync(staged, 'utf8')).toEqual(fs.readFileSync(BUNDLE, 'utf8'));
  });

  test('beside an endpoint, the replica is served by the same provider (issue #11: one provider per stack)', () => {
    const stack = stackIn('us-east-1');
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    replicaIn(stack, { replicaRegion: endpoint.secondaryRegion });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(1);
    const tokens = [RESOURCE_TYPE, MultiRegionEndpoint.RESOURCE_TYPE]
      .map((type) => JSON.stringify((Object.values(template.findResources(type))[0] as any).Properties.ServiceToken));
    expect(tokens[0]).toEqual(tokens[1]);
    template.hasResourceProperties(RESOURCE_TYPE, { ReplicaRegion: 'us-west-2' });
  });
});

describe('forEmailIdentity', () => {
  test('an email address identity of the stack is refused at synth: DEED replicates domains (issue #14)', () => {
    const stack = stackIn('us-east-1');
    const parent = new ses.EmailIdentity(stack, 'Parent', { identity: ses.Identity.email('mail@example.com') });
    expect(() => ReplicaEmailIdentity.forEmailIdentity(stack, 'Replica', parent, 'us-west-2'))
      .toThrow("`parent` must be a domain identity: DEED replicates domains, not email addresses, got: 'mail@example.com'");
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    expect(() => endpoint.addReplicaIdentity('Replica2', parent)).toThrow('`parent` must be a domain identity');
  });

  test('replicates an EmailIdentity of the stack: its Ref as the parent, deployed after it', () => {
    const stack = stackIn('us-east-1');
    const parent = new ses.EmailIdentity(stack, 'Parent', { identity: ses.Identity.domain('example.com') });
    const replica = ReplicaEmailIdentity.forEmailIdentity(stack, 'Replica', parent, 'us-west-2', { timeout: Duration.minutes(5), removalPolicy: RemovalPolicy.RETAIN });
    const { replicas, policies } = resourcesOf(stack);
    const [resource] = Object.values(replicas);
    expect(resource.Properties).toMatchObject({ ParentIdentityName: { Ref: 'Parent8B210403' }, ReplicaRegion: 'us-west-2', TimeoutSeconds: 300 });
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.DependsOn).toEqual(expect.arrayContaining(['Parent8B210403', Object.keys(policies)[0]]));
    expect(replica.parentIdentityName).toBe(parent.emailIdentityName);
  });

  test('an imported identity gives its name', () => {
    const stack = stackIn('us-east-1');
    const parent = ses.EmailIdentity.fromEmailIdentityName(stack, 'Parent', 'example.com');
    ReplicaEmailIdentity.forEmailIdentity(stack, 'Replica', parent, 'us-west-2');
    expect(onlyReplica(stack).resource.Properties.ParentIdentityName).toBe('example.com');
  });

  test('validates like the constructor', () => {
    const stack = stackIn('us-east-1');
    const parent = ses.EmailIdentity.fromEmailIdentityName(stack, 'Parent', 'me@example.com');
    expect(() => ReplicaEmailIdentity.forEmailIdentity(stack, 'Replica', parent, 'us-west-2')).toThrow(
      "`parentIdentityName` must be a domain name such as 'example.com' (DEED replicates domain identities that use Easy DKIM), got: 'me@example.com'");
  });
});

describe('validation at synth', () => {
  const create = (props: Partial<ReplicaEmailIdentityProps>, region = 'us-east-1') => () => replicaIn(stackIn(region), props);

  test.each([
    ['me@example.com'], ['example'], [''], ['exa mple.com'], ['-bad.example.com'], ['bad-.example.com'], ['example..com'],
    ['10.0.0.1'], [`${'a'.repeat(64)}.com`], [`${'a.'.repeat(126)}com`], ['example.com.'], ['*.example.com'],
  ])('parentIdentityName %j', (name) => {
    expect(create({ parentIdentityName: name })).toThrow(
      `\`parentIdentityName\` must be a domain name such as 'example.com' (DEED replicates domain identities that use Easy DKIM), got: '${name}'`);
  });

  test('domain names at the limits are accepted', () => {
    for (const name of ['a.co', 'mail.example.com', 'xn--bcher-kva.example', `${'a'.repeat(63)}.com`, `${'a.'.repeat(125)}com`, 'Example.COM', 'a-b.c-d.e']) {
      expect(create({ parentIdentityName: name })).not.toThrow();
    }
  });

  test.each([[''], ['uswest2'], ['US-WEST-2'], ['us-west'], ['us-west-2 ']])('replicaRegion %j', (region) => {
    expect(create({ replicaRegion: region })).toThrow(`\`replicaRegion\` must be an AWS region name such as 'us-west-2', got: '${region}'`);
  });

  test('replicaRegion must differ from the stack region when both are known', () => {
    expect(create({ replicaRegion: 'us-east-1' })).toThrow(
      "`replicaRegion` must differ from the primary region (the stack's region, where the parent identity is), got: 'us-east-1'");
    expect(() => replicaIn(stackIn(), { replicaRegion: 'us-east-1' })).not.toThrow();
  });

  test('the stack region must be one SES replicates DKIM keys from', () => {
    expect(create({}, 'cn-north-1')).toThrow(
      "The primary region (the stack's region) must be one SES replicates DKIM keys from (DEED origin AWS_SES_CN_NORTH_1 is not among AWS_SES_AF_SOUTH_1, ");
    expect(create({}, 'cn-north-1')).toThrow("got: 'cn-north-1'");
    for (const region of ['us-gov-west-1', 'ap-southeast-5', 'il-central-1', 'eu-west-1']) {
      expect(create({ replicaRegion: 'us-west-2' }, region)).not.toThrow();
    }
  });

  test.each([
    [Duration.seconds(4), '4 seconds'], [Duration.minutes(61), '3660 seconds'], [Duration.millis(5500), '5.5 seconds'],
  ])('timeout %s', (timeout, got) => {
    expect(create({ timeout })).toThrow(`\`timeout\` must be a whole number of seconds between 5 seconds and 55 minutes (CloudFormation gives a custom resource at most 60 minutes, and the library keeps 5 of them to fail with its own message), got: ${got}`);
  });

  test('timeout at the limits is accepted', () => {
    expect(create({ timeout: Duration.seconds(5) })).not.toThrow();
    expect(create({ timeout: Duration.minutes(55) })).not.toThrow();
  });

  test('each replica (name and region) is defined once per stack', () => {
    const stack = stackIn('us-east-1');
    replicaIn(stack, {}, 'A');
    expect(() => replicaIn(stack, {}, 'B')).toThrow("A replica of 'example.com' in us-west-2 is already defined in this stack (by TestStack/A): define each replica once");
    expect(() => replicaIn(stack, { replicaRegion: 'eu-west-1' }, 'C')).not.toThrow();
    expect(() => replicaIn(stack, { parentIdentityName: 'other.com' }, 'D')).not.toThrow();
  });

  test('unresolved tokens are left to the handler', () => {
    const stack = stackIn('us-east-1');
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const region = new CfnParameter(stack, 'Region').valueAsString;
    replicaIn(stack, { parentIdentityName: name, replicaRegion: region }, 'A');
    replicaIn(stack, { parentIdentityName: name, replicaRegion: region }, 'B'); // uniqueness unknown yet too
    expect(onlyReplicaProps(stack)).toMatchObject({ ParentIdentityName: { Ref: 'Name' }, ReplicaRegion: { Ref: 'Region' } });
  });
});

function onlyReplicaProps(stack: Stack): Record<string, unknown> {
  return (Object.values(resourcesOf(stack).replicas)[0] as any).Properties;
}
