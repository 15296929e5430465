/**
 * Lifecycle edges a real account hits (issue #12): synthesized stacks played by the
 * CloudFormation driver, running the bundled handler, against the SESv2 emulator. Every
 * scenario asserts what exists in the emulator at the end, not only the reported status.
 */
import { App, CfnParameter, Duration, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ses from 'aws-cdk-lib/aws-ses';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MultiRegionEndpoint, ReplicaEmailIdentity } from '../lib';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';
import { generatedEndpointName, generatedNamePrefix, OWNER_TAG_KEY, PREVIOUS_OWNER_TAG_KEY } from '../lib/private/rules';

const REGION = 'us-east-1';
const STACK = 'MailStack';
let emulator: SesEmulator;

beforeAll(async () => {
  emulator = await SesEmulator.start();
});
afterAll(async () => emulator?.stop());
beforeEach(() => {
  emulator.reset();
  emulator.options = { provisioningDelayMs: 60, deletionDelayMs: 40, notFoundAfterCreateMs: 20, replicaVerificationDelayMs: 60 };
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

function synth(build: (stack: Stack) => void, env: { region?: string } = { region: REGION }): CloudAssembly {
  const app = new App();
  build(new Stack(app, STACK, env.region ? { env: { region: env.region, account: '123456789012' } } : undefined));
  return app.synth();
}

function driver(region = REGION): CloudFormationDriver {
  return new CloudFormationDriver({ stackName: STACK, region, lambdaEnv: { ...emulator.clientEnv(region), SES_CALL_PERIOD_MS: '20' } });
}

const names = (region = REGION) => emulator.endpoints(region).map((e) => e.endpointName).sort();
const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('a construct moved inside the stack keeps its endpoint (item 3)', () => {
  const moved = (constructId: string, withFailure = false) => synth((stack) => {
    const endpoint = new MultiRegionEndpoint(stack, constructId, { secondaryRegion: 'us-west-2', endpointName: 'orders' });
    if (withFailure) {
      // Fails after the moved resource has taken the endpoint over.
      new MultiRegionEndpoint(stack, 'Broken', { secondaryRegion: 'us-west-2', endpointName: 'broken' }).node.addDependency(endpoint);
    }
  });
  const ownerOf = () => emulator.endpoint(REGION, 'orders')!.tags[OWNER_TAG_KEY];
  const logicalIdIn = (assembly: CloudAssembly, prefix: string) => Object.keys(assembly.getStackArtifact(STACK).template.Resources)
    .find((id) => id.startsWith(prefix) && assembly.getStackArtifact(STACK).template.Resources[id].Type === MultiRegionEndpoint.RESOURCE_TYPE)!;

  test('a new construct id: the new resource takes the endpoint over (same EndpointId), the old one\'s cleanup leaves it; destroy deletes it', async () => {
    const cfn = driver();
    const before = moved('Global');
    expect(await cfn.deploy(before)).toMatchObject({ status: 'CREATE_COMPLETE' });
    const { endpointId } = emulator.endpoint(REGION, 'orders')!;
    expect(ownerOf()).toMatch(new RegExp(`/${logicalIdIn(before, 'Global')}$`));

    const after = moved('Orders');
    const result = await cfn.deploy(after);
    expect(result).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ endpointId, status: 'READY' });
    expect(ownerOf()).toMatch(new RegExp(`/${logicalIdIn(after, 'Orders')}$`));
    expect(emulator.endpoint(REGION, 'orders')!.tags).not.toHaveProperty([PREVIOUS_OWNER_TAG_KEY]);
    expect(emulator.calls.filter((c) => c.operation === 'DeleteMultiRegionEndpoint')).toEqual([]);
    expect(cfn.resource(logicalIdIn(after, 'Orders'))!.data.EndpointId).toBe(endpointId);

    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.endpoints()).toEqual([]);
  });

  test('a move whose update fails after the handover: the rollback gives the endpoint back, never deletes it', async () => {
    const cfn = driver();
    const before = moved('Global');
    expect(await cfn.deploy(before)).toMatchObject({ status: 'CREATE_COMPLETE' });
    const { endpointId } = emulator.endpoint(REGION, 'orders')!;
    const owner = ownerOf();
    emulator.options.failNames = ['broken'];

    expect(await cfn.deploy(moved('Orders', true))).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(emulator.calls.some((c) => c.operation === 'TagResource' && c.endpointName === 'orders')).toBe(true); // it was taken over
    expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ endpointId, status: 'READY' });
    expect(ownerOf()).toBe(owner);
    expect(emulator.endpoint(REGION, 'orders')!.tags).not.toHaveProperty([PREVIOUS_OWNER_TAG_KEY]);
    await waitFor(() => names().length === 1);
    expect(names()).toEqual(['orders']);

    // The old resource still owns it and can still update and delete it.
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.endpoints()).toEqual([]);
  });

  test('replicas too: a moved replica keeps its identity; a rolled-back move gives it back', async () => {
    emulator.seedIdentity({ region: REGION, name: 'example.com' });
    const replicaIn = (constructId: string, withFailure = false) => synth((stack) => {
      const replica = new ReplicaEmailIdentity(stack, constructId, { parentIdentityName: 'example.com', replicaRegion: 'us-west-2' });
      if (withFailure) new MultiRegionEndpoint(stack, 'Broken', { secondaryRegion: 'us-west-2', endpointName: 'broken' }).node.addDependency(replica);
    });
    const replicaOwner = () => emulator.identity('us-west-2', 'example.com')!.tags;
    const cfn = driver();
    expect(await cfn.deploy(replicaIn('Replica'))).toMatchObject({ status: 'CREATE_COMPLETE' });
    const first = replicaOwner()[OWNER_TAG_KEY];

    emulator.options.failNames = ['broken'];
    expect(await cfn.deploy(replicaIn('Moved', true))).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(replicaOwner()).toEqual({ [OWNER_TAG_KEY]: first });

    emulator.options.failNames = [];
    expect(await cfn.deploy(replicaIn('Moved'))).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(replicaOwner()[OWNER_TAG_KEY]).not.toBe(first);
    expect(replicaOwner()).not.toHaveProperty([PREVIOUS_OWNER_TAG_KEY]);
    expect(emulator.calls.filter((c) => c.operation === 'DeleteEmailIdentity')).toEqual([]);
    expect(emulator.identities('us-west-2').map((i) => i.identityName)).toEqual(['example.com']);

    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.identities('us-west-2')).toEqual([]);
  });

  test('another stack\'s endpoint of the same name is still foreign', async () => {
    emulator.seed({ region: REGION, endpointName: 'orders', routes: ['us-west-2'], tags: { [OWNER_TAG_KEY]: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/0f1e/Global' } });
    const result = await driver().deploy(moved('Global'));
    expect(result).toMatchObject({ status: 'ROLLBACK_COMPLETE' });
    expect(result.reason).toContain('was not created by this stack');
    expect(emulator.endpoint(REGION, 'orders')!.tags[OWNER_TAG_KEY]).toContain('stack/Other/');
  });
});

describe('a failed replacement leaves nothing behind (item 1)', () => {
  const named = (endpointName: string, timeoutSeconds = 30) => synth((stack) => {
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName, timeout: Duration.seconds(timeoutSeconds) });
  });

  test('a rename whose new endpoint ends FAILED: the rollback keeps the old one and the new one is deleted; the same rename later succeeds', async () => {
    const cfn = driver();
    expect(await cfn.deploy(named('orders'))).toMatchObject({ status: 'CREATE_COMPLETE' });
    const id = emulator.endpoint(REGION, 'orders')!.endpointId;
    emulator.options.failNames = ['orders-v2'];
    const failed = await cfn.deploy(named('orders-v2'));
    expect(failed).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(failed.reason).toContain("'orders-v2' in us-east-1 has status FAILED");
    await waitFor(() => names().length === 1);
    expect(names()).toEqual(['orders']);
    expect(emulator.endpoint(REGION, 'orders')!.endpointId).toBe(id);

    emulator.options.failNames = [];
    expect(await cfn.deploy(named('orders-v2'))).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(names()).toEqual(['orders-v2']);
  });

  test('a rename that times out while still CREATING: the rollback keeps the old one; the next deploy adopts and finishes the new one', async () => {
    const cfn = driver();
    expect(await cfn.deploy(named('orders', 5))).toMatchObject({ status: 'CREATE_COMPLETE' });
    emulator.options.stuckNames = ['orders-v2'];
    const failed = await cfn.deploy(named('orders-v2', 5));
    expect(failed).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(failed.reason).toContain('Timed out after 5 seconds');
    // SES refuses to delete a CREATING endpoint: it is left, ours, and the next deploy takes it up.
    emulator.options.stuckNames = [];
    emulator.endpoint(REGION, 'orders-v2')!.status = 'READY';
    expect(await cfn.deploy(named('orders-v2', 5))).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(names()).toEqual(['orders-v2']);
  }, 30_000);

  test('an endpoint of ours left FAILED under the wanted name (its cleanup failed) is deleted and created again, not adopted', async () => {
    const cfn = driver();
    expect(await cfn.deploy(named('orders'))).toMatchObject({ status: 'CREATE_COMPLETE' });
    emulator.options.failNames = ['orders-v2'];
    emulator.failNext('DeleteMultiRegionEndpoint', 'BadRequestException', { endpointName: 'orders-v2', times: 1 });
    expect(await cfn.deploy(named('orders-v2'))).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(emulator.endpoint(REGION, 'orders-v2')!.status).toBe('FAILED');
    const failedId = emulator.endpoint(REGION, 'orders-v2')!.endpointId;

    emulator.options.failNames = [];
    expect(await cfn.deploy(named('orders-v2'))).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(names()).toEqual(['orders-v2']);
    expect(emulator.endpoint(REGION, 'orders-v2')).toMatchObject({ status: 'READY' });
    expect(emulator.endpoint(REGION, 'orders-v2')!.endpointId).not.toBe(failedId);
  });
});

describe('a stalled SES call does not eat the Lambda (item 5)', () => {
  test('a Create whose answer never comes (SES made the endpoint) is abandoned, retried at a later turn and adopted; a stalled Get too', async () => {
    emulator.stallNext('CreateMultiRegionEndpoint');
    emulator.stallNext('GetMultiRegionEndpoint');
    const cfn = new CloudFormationDriver({
      stackName: STACK,
      region: REGION,
      // A request timeout of 200 ms instead of 20 s, on the same faster clock as the turns.
      lambdaEnv: { ...emulator.clientEnv(REGION), SES_CALL_PERIOD_MS: '20', SES_REQUEST_TIMEOUT_MS: '200' },
    });
    const started = Date.now();
    const result = await cfn.deploy(synth((stack) => {
      new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders' });
    }));
    expect(result).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(emulator.endpoints(REGION)).toMatchObject([{ endpointName: 'orders', status: 'READY' }]);
    const creates = emulator.calls.filter((c) => c.operation === 'CreateMultiRegionEndpoint');
    expect(creates.map((c) => [c.stalledMs !== undefined, c.errorType])).toEqual([[true, undefined], [false, 'AlreadyExistsException']]);
    expect(emulator.calls.some((c) => c.operation === 'GetMultiRegionEndpoint' && c.stalledMs !== undefined)).toBe(true);
  });
});

describe("a replica's parent changes without orphaning the old replica (item 9)", () => {
  /** Whether a statement of the template's IAM policies allows `action` on `arn` (Allow only; ${Partition} is 'aws', parameters take `values`). */
  function allows(assembly: CloudAssembly, action: string, arn: string, values: Record<string, string>): boolean {
    const resolve = (v: any): string => {
      if (typeof v === 'string') return v;
      if (v.Ref === 'AWS::Partition') return 'aws';
      if (v.Ref) return values[v.Ref] ?? `<${v.Ref}>`;
      if (v['Fn::Join']) return v['Fn::Join'][1].map(resolve).join(v['Fn::Join'][0]);
      return JSON.stringify(v);
    };
    const matches = (pattern: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`).test(arn);
    return Object.values<any>(assembly.getStackArtifact(STACK).template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement)
      .some((s: any) => s.Effect === 'Allow' && [s.Action].flat().includes(action) && !s.Condition && [s.Resource].flat().map(resolve).some(matches));
  }

  test('a parent given as a token changes: the new replica is made, and the updated policy still lets the cleanup delete the old one', async () => {
    for (const domain of ['a.example.com', 'b.example.com']) emulator.seedIdentity({ region: REGION, name: domain });
    const assembly = synth((stack) => {
      const domain = new CfnParameter(stack, 'ParentDomain', { type: 'String' });
      ReplicaEmailIdentity.forEmailIdentity(stack, 'Replica', ses.EmailIdentity.fromEmailIdentityName(stack, 'Parent', domain.valueAsString), 'us-west-2');
    });
    const parameters: Record<string, string> = { ParentDomain: 'a.example.com' };
    const cfn = new CloudFormationDriver({ stackName: STACK, region: REGION, parameters, lambdaEnv: { ...emulator.clientEnv(REGION), SES_CALL_PERIOD_MS: '20' } });
    expect(await cfn.deploy(assembly)).toMatchObject({ status: 'CREATE_COMPLETE' });
    parameters.ParentDomain = 'b.example.com';
    // The same template: the policy is updated in place. During the cleanup it must still
    // allow what deleting the old replica takes.
    for (const action of ['ses:ListTagsForResource', 'ses:DeleteEmailIdentity', 'ses:GetEmailIdentity']) {
      expect(allows(assembly, action, 'arn:aws:ses:us-west-2:123456789012:identity/a.example.com', parameters)).toBe(true);
    }
    expect(await cfn.deploy(assembly)).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(emulator.identities('us-west-2').map((i) => i.identityName)).toEqual(['b.example.com']);
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.identities('us-west-2')).toEqual([]);
  });

  test('a parent given by name: no identity beyond its own replica is allowed (a new name is a new policy)', () => {
    const assembly = synth((stack) => {
      new ReplicaEmailIdentity(stack, 'Replica', { parentIdentityName: 'a.example.com', replicaRegion: 'us-west-2' });
    });
    expect(allows(assembly, 'ses:DeleteEmailIdentity', 'arn:aws:ses:us-west-2:123456789012:identity/a.example.com', {})).toBe(true);
    expect(allows(assembly, 'ses:DeleteEmailIdentity', 'arn:aws:ses:us-west-2:123456789012:identity/other.example.com', {})).toBe(false);
  });
});

describe('lookups are read-only for real (item 8)', () => {
  const lookupStack = () => synth((stack) => {
    MultiRegionEndpoint.fromEndpointName(stack, 'Orders', 'orders');
  });

  test('a stack whose only use of the library is a lookup gets read permission alone', () => {
    const template = lookupStack().getStackArtifact(STACK).template;
    const actions = Object.values<any>(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()))
      .filter((action: string) => /^(ses|iam):/.test(action));
    expect(actions).toEqual(['ses:GetMultiRegionEndpoint']);
  });

  test('the lookup waits while the endpoint is CREATING, then reads it READY', async () => {
    emulator.seed({ region: REGION, endpointName: 'orders', routes: ['us-west-2'], status: 'CREATING' });
    const cfn = driver();
    const deployed = cfn.deploy(lookupStack());
    setTimeout(() => { emulator.endpoint(REGION, 'orders')!.status = 'READY'; }, 300);
    expect(await deployed).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(emulator.calls.filter((c) => c.operation !== 'GetMultiRegionEndpoint')).toEqual([]);
  });

  test.each(['FAILED', 'DELETING'] as const)('a lookup of an endpoint that is %s fails naming the status, and touches nothing', async (status) => {
    emulator.seed({ region: REGION, endpointName: 'orders', routes: ['us-west-2'], status });
    const result = await driver().deploy(lookupStack());
    expect(result).toMatchObject({ status: 'ROLLBACK_COMPLETE' });
    expect(result.reason).toContain(`The SES multi-region endpoint 'orders' in us-east-1 has status ${status}, not READY`);
    expect(emulator.calls.map((c) => c.operation)).toEqual(expect.arrayContaining(['GetMultiRegionEndpoint']));
    expect(emulator.calls.filter((c) => c.operation !== 'GetMultiRegionEndpoint')).toEqual([]);
    expect(emulator.endpoint(REGION, 'orders')!.status).toBe(status);
  });
});

describe('ownership is checked on every write (item 4)', () => {
  test('an update never re-tags (and so takes over) an endpoint another owner holds now; the rollback goes through', async () => {
    const build = (team: string) => synth((stack) => {
      new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders', tags: { team } });
    });
    const cfn = driver();
    expect(await cfn.deploy(build('mail'))).toMatchObject({ status: 'CREATE_COMPLETE' });
    // Someone else's tool took the endpoint over (or deleted and recreated it under the same name).
    const endpoint = emulator.endpoint(REGION, 'orders')!;
    endpoint.tags = { ...endpoint.tags, [OWNER_TAG_KEY]: 'another-stack' };
    const before = JSON.stringify(endpoint.tags);
    const writesBefore = emulator.calls.length;

    const result = await cfn.deploy(build('email'));
    expect(result).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(result.reason).toContain("SES multi-region endpoint 'orders' in us-east-1 is not owned by this resource");
    expect(JSON.stringify(emulator.endpoint(REGION, 'orders')!.tags)).toBe(before);
    expect(emulator.calls.slice(writesBefore).filter((c) => /^(Tag|Untag|Delete|Create)/.test(c.operation))).toEqual([]);
  });
});

describe("CloudFormation's own timeout (item 6)", () => {
  test('every custom resource sets ServiceTimeout past its own timeout; the handler takes it among the properties and a timeout change writes nothing', async () => {
    emulator.seedIdentity({ region: REGION, name: 'example.com' });
    const build = (minutes: number) => synth((stack) => {
      const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders', timeout: Duration.minutes(minutes) });
      endpoint.addReplicaIdentity('Replica', ses.EmailIdentity.fromEmailIdentityName(stack, 'Parent', 'example.com'), { timeout: Duration.minutes(minutes) });
      MultiRegionEndpoint.fromEndpointName(stack, 'Lookup', 'orders').node.addDependency(endpoint);
    });
    const first = build(10);
    const resources = Object.values<any>(first.getStackArtifact(STACK).template.Resources).filter((r) => r.Type.startsWith('Custom::'));
    expect(resources.map((r) => [r.Type, r.Properties.ServiceTimeout]).sort()).toEqual([
      ['Custom::SESMultiRegionEndpoint', '900'], // 10 min + 5
      ['Custom::SESMultiRegionEndpointLookup', '2100'], // the lookup's 30 min + 5
      ['Custom::SESReplicaEmailIdentity', '900'],
    ]);
    const cfn = driver();
    expect(await cfn.deploy(first)).toMatchObject({ status: 'CREATE_COMPLETE' });
    const writes = () => emulator.calls.filter((c) => /^(Create|Delete|Tag|Untag)/.test(c.operation)).length;
    const before = writes();
    expect(await cfn.deploy(build(55))).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(writes()).toBe(before);
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.endpoints()).toEqual([]);
  });

  test('a timeout beyond 55 minutes fails at synth, naming CloudFormation\'s limit', () => {
    expect(() => synth((stack) => {
      new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', timeout: Duration.minutes(60) });
    })).toThrow('`timeout` must be a whole number of seconds between 5 seconds and 55 minutes (CloudFormation gives a custom resource at most 60 minutes');
  });
});

describe('generated names do not change between synths (item 2)', () => {
  const generatedName = (unrelatedTokensFirst: number, build: (stack: Stack) => Stack) => {
    const app = new App();
    const parent = new Stack(app, STACK, { env: { region: REGION, account: '123456789012' } });
    for (let i = 0; i < unrelatedTokensFirst; i++) new CfnParameter(parent, `Unrelated${i}`, { default: 'x' });
    const holder = build(parent);
    new MultiRegionEndpoint(holder, 'Global', { secondaryRegion: 'us-west-2' });
    const [resource] = Object.values<any>(Template.fromStack(holder).findResources(MultiRegionEndpoint.RESOURCE_TYPE));
    return resource.Properties.EndpointName;
  };

  test('in a NestedStack, unrelated tokens created earlier in the app change nothing', () => {
    const inNested = (parent: Stack) => new NestedStack(parent, 'Mail');
    const generated = [0, 1, 5].map((n) => generatedName(n, inNested));
    expect(new Set(generated).size).toBe(1);
    expect(generated[0]).toMatch(/Mail-Global-[0-9a-f]{8}-us-west-2/);
    expect(generated[0]).not.toContain('Token');
  });

  test('a top-level stack keeps the names it has always had (hash of the stack name and the construct path)', () => {
    expect(generatedName(3, (parent) => parent)).toBe(generatedEndpointName(generatedNamePrefix(STACK, `${STACK}/Global`), 'us-west-2'));
  });
});

describe('CDK conventions (item 7)', () => {
  test('applyRemovalPolicy(RETAIN) on the endpoint and on the replica keeps both in SES when the stack is destroyed', async () => {
    emulator.seedIdentity({ region: REGION, name: 'example.com' });
    const assembly = synth((stack) => {
      const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders' });
      endpoint.applyRemovalPolicy(RemovalPolicy.RETAIN);
      const replica = endpoint.addReplicaIdentity('Replica', ses.EmailIdentity.fromEmailIdentityName(stack, 'Parent', 'example.com'));
      replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
    });
    const cfn = driver();
    expect(await cfn.deploy(assembly)).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(names()).toEqual(['orders']);
    expect(emulator.identities('us-west-2').map((i) => i.identityName)).toEqual(['example.com']);
    expect(emulator.calls.filter((c) => /^Delete/.test(c.operation))).toEqual([]);
  });

  test('an env-agnostic stack works where it is deployed: the primary is that region', async () => {
    const assembly = synth((stack) => {
      new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders' });
    }, {});
    const cfn = driver('eu-west-1');
    expect(await cfn.deploy(assembly)).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(emulator.endpoint('eu-west-1', 'orders')).toMatchObject({ status: 'READY', routes: ['us-west-2'] });
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.endpoints()).toEqual([]);
  });

  test('an env-agnostic stack deployed in its own secondary region fails naming `secondaryRegion`, before any SES call', async () => {
    const assembly = synth((stack) => {
      new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders' });
    }, {});
    const result = await driver('us-west-2').deploy(assembly);
    expect(result).toMatchObject({ status: 'ROLLBACK_COMPLETE' });
    expect(result.reason).toContain("`secondaryRegion` must differ from the primary region (the stack's region, where the endpoint is created), got: 'us-west-2'");
    expect(emulator.calls).toEqual([]);
  });
});

describe('an endpoint deleted outside CloudFormation', () => {
  test('the next update creates it again (a new EndpointId, handed on), instead of failing it and its rollback', async () => {
    const cfn = driver();
    const withTags = (team: string) => synth((stack) => {
      new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders', tags: { team } });
    });
    expect(await cfn.deploy(withTags('mail'))).toMatchObject({ status: 'CREATE_COMPLETE' });
    const { endpointId: first } = emulator.endpoint(REGION, 'orders')!;
    emulator.reset(); // someone deleted it (and everything else) in the console

    const result = await cfn.deploy(withTags('email'));
    expect(result).toMatchObject({ status: 'UPDATE_COMPLETE' });
    const again = emulator.endpoint(REGION, 'orders')!;
    expect(again).toMatchObject({ status: 'READY', routes: ['us-west-2'], tags: { team: 'email', [OWNER_TAG_KEY]: expect.any(String) } });
    expect(again.endpointId).not.toBe(first);
  });
});
