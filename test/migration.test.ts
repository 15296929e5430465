/**
 * Migrating an existing endpoint (or DEED replica) into a stack, as docs/OPERATIONS.md
 * ("Migrating an existing endpoint") tells users to: synthesized stacks played by the
 * CloudFormation driver, running the bundled handler, against the SESv2 emulator. The
 * endpoint is tagged through the real SDK client, as `aws sesv2 tag-resource` would.
 */
import { SESv2Client, TagResourceCommand } from '@aws-sdk/client-sesv2';
import { App, Aws, CfnOutput, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MultiRegionEndpoint, ReplicaEmailIdentity } from '../lib';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';
import { OWNER_TAG_KEY, PREVIOUS_OWNER_TAG_KEY } from '../lib/private/rules';

const REGION = 'us-east-1';
const STACK = 'MailStack';
/** The user's own calls sign with this key, so they can be told apart from the handler's. */
const USER = 'AKIDUSER';
const WRITES = /^(Create|Delete|Tag|Untag)/;
let emulator: SesEmulator;
let user: SESv2Client;

beforeAll(async () => {
  emulator = await SesEmulator.start();
  user = new SESv2Client({ endpoint: emulator.url, region: REGION, credentials: { accessKeyId: USER, secretAccessKey: 'secret' }, maxAttempts: 1 });
});
afterAll(async () => {
  user?.destroy();
  await emulator?.stop();
});
beforeEach(() => {
  emulator.reset();
  emulator.options = { provisioningDelayMs: 60, deletionDelayMs: 40, notFoundAfterCreateMs: 20, replicaVerificationDelayMs: 60 };
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/**
 * The user's stack. It always has a resource of its own (CloudFormation needs one) and an
 * output with its ARN: the test's `aws cloudformation describe-stacks --query Stacks[0].StackId`.
 */
function synth(build: (stack: Stack) => void = () => undefined): CloudAssembly {
  const app = new App();
  const stack = new Stack(app, STACK, { env: { region: REGION, account: '123456789012' } });
  new CfnWaitConditionHandle(stack, 'OtherResource');
  new CfnOutput(stack, 'StackArn', { value: Aws.STACK_ID });
  build(stack);
  return app.synth();
}

function driver(): CloudFormationDriver {
  return new CloudFormationDriver({ stackName: STACK, region: REGION, lambdaEnv: { ...emulator.clientEnv(REGION), SES_CALL_PERIOD_MS: '20' } });
}

/** The logical id of the one resource of `type` in the template, as `cdk synth` shows it. */
function logicalIdOf(assembly: CloudAssembly, type: string): string {
  const resources = assembly.getStackArtifact(STACK).template.Resources as Record<string, { Type: string }>;
  const ids = Object.keys(resources).filter((id) => resources[id].Type === type);
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** What a user runs to adopt: tag the object with `<stack ARN>/<logical id>` (short enough not to be hashed). */
async function tagOwner(arn: string, stackArn: string, logicalId: string, region = REGION): Promise<void> {
  const client = region === REGION ? user
    : new SESv2Client({ endpoint: emulator.url, region, credentials: { accessKeyId: USER, secretAccessKey: 'secret' }, maxAttempts: 1 });
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: OWNER_TAG_KEY, Value: `${stackArn}/${logicalId}` }] }));
  if (client !== user) client.destroy();
}

const endpointArn = (name: string) => `arn:aws:ses:${REGION}:123456789012:multi-region-endpoint/${name}`;
const handlerWrites = (from = 0) => emulator.calls.slice(from).filter((c) => c.caller !== USER && c.httpStatus === 200 && WRITES.test(c.operation));

describe('adopting an endpoint made elsewhere (console, CfnMultiRegionEndpoint, Terraform)', () => {
  const withEndpoint = (secondaryRegion = 'us-west-2') => synth((stack) => {
    new MultiRegionEndpoint(stack, 'Global', { secondaryRegion, endpointName: 'orders', tags: { team: 'mail' } });
  });

  test('untagged: refused, untouched; tagged for this stack and logical id: adopted (same EndpointId, tags brought to the construct\'s); destroy deletes it', async () => {
    const madeElsewhere = { 'team': 'mail', 'made-by': 'console' };
    emulator.seed({ region: REGION, endpointName: 'orders', routes: ['us-west-2'], endpointId: 'abcdef12.g3h', tags: madeElsewhere });
    const cfn = driver();

    // 1. The stack exists first, so that its ARN (part of the owner tag) is known.
    const first = await cfn.deploy(synth());
    expect(first).toMatchObject({ status: 'CREATE_COMPLETE' });
    const stackArn = first.outputs.StackArn;
    expect(stackArn).toMatch(new RegExp(`^arn:aws:cloudformation:${REGION}:123456789012:stack/${STACK}/`));

    // Without the tag, the construct refuses the endpoint and changes nothing.
    const assembly = withEndpoint();
    const refused = await cfn.deploy(assembly);
    expect(refused).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(refused.reason).toContain("An SES multi-region endpoint named 'orders' already exists in us-east-1 and was not created by this stack");
    expect(handlerWrites()).toEqual([]);
    expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ endpointId: 'abcdef12.g3h', status: 'READY', routes: ['us-west-2'], tags: madeElsewhere });

    // 2. Tag it for this stack and the construct's logical id (from the synthesized template), then deploy.
    const logicalId = logicalIdOf(assembly, MultiRegionEndpoint.RESOURCE_TYPE);
    await tagOwner(endpointArn('orders'), stackArn, logicalId);
    const callsBefore = emulator.calls.length;
    const adopted = await cfn.deploy(assembly);
    expect(adopted).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(cfn.resource(logicalId)!.data).toMatchObject({ EndpointId: 'abcdef12.g3h', Status: 'READY', SecondaryRegion: 'us-west-2' });
    expect(emulator.endpoints(REGION)).toHaveLength(1);
    // Its tags are now the construct's (`made-by` was not among them) plus the owner tag.
    expect(emulator.endpoint(REGION, 'orders')!.tags).toEqual({ team: 'mail', [OWNER_TAG_KEY]: `${stackArn}/${logicalId}` });
    const writes = handlerWrites(callsBefore).map((c) => c.operation);
    expect(writes).toEqual(['UntagResource']); // the Create was answered AlreadyExists; nothing was deleted
    expect(emulator.calls.slice(callsBefore).filter((c) => c.operation === 'CreateMultiRegionEndpoint').map((c) => c.errorType))
      .toEqual(['AlreadyExistsException']);

    // 3. It is the stack's now: destroy deletes it.
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.endpoints(REGION)).toEqual([]);
  });

  test('a tag naming another stack (or an earlier incarnation of this one) is still foreign', async () => {
    emulator.seed({ region: REGION, endpointName: 'orders', routes: ['us-west-2'] });
    const cfn = driver();
    expect(await cfn.deploy(synth())).toMatchObject({ status: 'CREATE_COMPLETE' });
    const assembly = withEndpoint();
    // The same stack name, another stack id: what a deleted and re-created stack has.
    await tagOwner(endpointArn('orders'), `arn:aws:cloudformation:${REGION}:123456789012:stack/${STACK}/00000000-old0-old0-old0-000000000000`,
      logicalIdOf(assembly, MultiRegionEndpoint.RESOURCE_TYPE));
    const result = await cfn.deploy(assembly);
    expect(result).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(result.reason).toContain('was not created by this stack');
    expect(handlerWrites()).toEqual([]);
  });

  test('tagged, but the construct names another secondary region: refused on the routes before any write, and left untouched', async () => {
    emulator.seed({ region: REGION, endpointName: 'orders', routes: ['us-west-2'], endpointId: 'abcdef12.g3h', tags: { team: 'mail' } });
    const cfn = driver();
    const first = await cfn.deploy(synth());
    const assembly = withEndpoint('eu-west-1');
    await tagOwner(endpointArn('orders'), first.outputs.StackArn, logicalIdOf(assembly, MultiRegionEndpoint.RESOURCE_TYPE));
    const tagged = { ...emulator.endpoint(REGION, 'orders')!.tags };

    const result = await cfn.deploy(assembly);
    expect(result).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(result.reason).toContain("An SES multi-region endpoint named 'orders' already exists in us-east-1 but routes to [\"us-east-1\",\"us-west-2\"], "
      + 'not to eu-west-1, and SES cannot change routes: set secondaryRegion to the endpoint\'s, or choose another endpointName. It was left untouched.');
    // The Create failed before any write, so CloudFormation's rollback had no resource to delete.
    expect(handlerWrites()).toEqual([]);
    expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ endpointId: 'abcdef12.g3h', status: 'READY', tags: tagged });
  });

  test('tagged with another logical id of this stack: taken for a moved construct, so destroy later leaves the endpoint in place', async () => {
    emulator.seed({ region: REGION, endpointName: 'orders', routes: ['us-west-2'], endpointId: 'abcdef12.g3h' });
    const cfn = driver();
    const first = await cfn.deploy(synth());
    await tagOwner(endpointArn('orders'), first.outputs.StackArn, 'NotTheConstructsLogicalId');

    expect(await cfn.deploy(withEndpoint())).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(emulator.endpoint(REGION, 'orders')!.tags).toHaveProperty([PREVIOUS_OWNER_TAG_KEY], `${first.outputs.StackArn}/NotTheConstructsLogicalId`);
    // The Delete hands it back to the "old" resource, which never comes to delete it.
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ endpointId: 'abcdef12.g3h', status: 'READY' });
    expect(handlerWrites().some((c) => c.operation === 'DeleteMultiRegionEndpoint')).toBe(false);
  });
});

describe('adopting a DEED replica made elsewhere', () => {
  test('untagged: refused; tagged for the replica\'s logical id: adopted without a new CreateEmailIdentity; destroy deletes it', async () => {
    emulator.seedIdentity({ region: REGION, name: 'example.com' });
    emulator.seedIdentity({ region: 'us-west-2', name: 'example.com', dkimOrigin: 'AWS_SES_US_EAST_1' });
    const cfn = driver();
    const first = await cfn.deploy(synth());
    const assembly = synth((stack) => {
      new ReplicaEmailIdentity(stack, 'Replica', { parentIdentityName: 'example.com', replicaRegion: 'us-west-2' });
    });

    const refused = await cfn.deploy(assembly);
    expect(refused).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(refused.reason).toContain("An email identity named 'example.com' already exists in us-west-2 and was not created by this stack");

    await tagOwner('arn:aws:ses:us-west-2:123456789012:identity/example.com', first.outputs.StackArn,
      logicalIdOf(assembly, ReplicaEmailIdentity.RESOURCE_TYPE), 'us-west-2');
    expect(await cfn.deploy(assembly)).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(handlerWrites()).toEqual([]);
    expect(emulator.identity('us-west-2', 'example.com')).toMatchObject({ dkimOrigin: 'AWS_SES_US_EAST_1', verifiedForSending: true });

    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.identities('us-west-2')).toEqual([]);
    expect(emulator.identities(REGION).map((i) => i.identityName)).toEqual(['example.com']);
  });

  test('tagged, but not a DEED replica of the stack\'s region: refused before any write, and left untouched', async () => {
    emulator.seedIdentity({ region: REGION, name: 'example.com' });
    emulator.seedIdentity({ region: 'us-west-2', name: 'example.com' }); // Easy DKIM of its own, not a replica
    const cfn = driver();
    const first = await cfn.deploy(synth());
    const assembly = synth((stack) => {
      new ReplicaEmailIdentity(stack, 'Replica', { parentIdentityName: 'example.com', replicaRegion: 'us-west-2' });
    });
    await tagOwner('arn:aws:ses:us-west-2:123456789012:identity/example.com', first.outputs.StackArn,
      logicalIdOf(assembly, ReplicaEmailIdentity.RESOURCE_TYPE), 'us-west-2');

    const result = await cfn.deploy(assembly);
    expect(result).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(result.reason).toContain("An email identity named 'example.com' already exists in us-west-2 but is not a DEED replica of us-east-1 "
      + '(SigningAttributesOrigin: AWS_SES, expected AWS_SES_US_EAST_1): delete it there if it should be one, or leave it out of this stack. It was left untouched.');
    expect(handlerWrites()).toEqual([]);
    expect(emulator.identity('us-west-2', 'example.com')).toBeDefined();
  });
});
