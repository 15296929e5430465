/**
 * CloudFormation lifecycles of DEED replica identities: synthesized stacks played by the
 * driver, running the BUNDLED handler staged in the cloud assembly (the file that ships in
 * the package) through the real SES v2 SDK, against the local SESv2 emulator. Every
 * scenario asserts what exists in the emulator at the end: nothing orphaned, nothing
 * foreign touched, the parent never modified.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DeleteEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';
import { MultiRegionEndpoint } from '../lib/multi-region-endpoint';
import { OWNER_TAG_KEY } from '../lib/private/rules';
import { ReplicaEmailIdentity, ReplicaEmailIdentityProps } from '../lib/replica-email-identity';

const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'provider', 'index', 'index.js');
const PRIMARY = 'us-east-1';
const STACK = 'MailStack';
const DOMAIN = 'example.com';
let emulator: SesEmulator;
let logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`The bundled handler ${BUNDLE} is missing: run 'npx projen bundle' (npm test does it first).`);
  }
  emulator = await SesEmulator.start();
});
afterAll(async () => emulator?.stop());
beforeEach(() => {
  emulator.reset();
  emulator.options = {
    replicaVerificationDelayMs: 100,
    identityNotFoundAfterCreateMs: 30,
    identityDeletionDelayMs: 40,
    provisioningDelayMs: 60,
    deletionDelayMs: 40,
  };
  logLines = [];
  // Handler logs go to the Lambda's log group; keep them to check their shape.
  jest.spyOn(console, 'log').mockImplementation((line: string) => {
    logLines.push(JSON.parse(line));
  });
});
afterEach(() => jest.restoreAllMocks());

const assemblies = new Map<string, CloudAssembly>();

/** Synthesizes a stack of replicas (stacks without a `tweak` are synthesized once and reused: they are read-only). */
function synth(replicas: Record<string, Partial<ReplicaEmailIdentityProps>>, tweak?: (stack: Stack) => void): CloudAssembly {
  const key = JSON.stringify(replicas);
  if (!tweak && !assemblies.has(key)) assemblies.set(key, synthesize(replicas));
  return tweak ? synthesize(replicas, tweak) : assemblies.get(key)!;
}

function synthesize(replicas: Record<string, Partial<ReplicaEmailIdentityProps>>, tweak?: (stack: Stack) => void): CloudAssembly {
  const app = new App();
  const stack = new Stack(app, STACK, { env: { region: PRIMARY, account: '123456789012' } });
  for (const [id, props] of Object.entries(replicas)) {
    const replica = new ReplicaEmailIdentity(stack, id, { parentIdentityName: DOMAIN, replicaRegion: 'us-west-2', ...props });
    new CfnOutput(stack, `${id}Arn`, { value: replica.identityArn });
    new CfnOutput(stack, `${id}Name`, { value: replica.identityName });
    new CfnOutput(stack, `${id}Origin`, { value: replica.signingAttributesOrigin });
  }
  tweak?.(stack);
  return app.synth();
}

function driver(extra: Partial<ConstructorParameters<typeof CloudFormationDriver>[0]> = {}): CloudFormationDriver {
  return new CloudFormationDriver({ stackName: STACK, region: PRIMARY, lambdaEnv: { ...emulator.clientEnv(PRIMARY), SES_CALL_PERIOD_MS: '20' }, ...extra });
}

const logicalIdOf = (assembly: CloudAssembly, construct: string) => Object.entries<any>(assembly.getStackArtifact(STACK).template.Resources)
  .find(([id, r]) => r.Type === ReplicaEmailIdentity.RESOURCE_TYPE && id.startsWith(construct))![0];
/** Every identity, as [region, name, origin, verified, tags]. */
const identities = () => emulator.identities()
  .map((i) => [i.region, i.identityName, i.dkimOrigin, i.verifiedForSending, i.tags])
  .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
const parentState = (tags = {}) => [PRIMARY, DOMAIN, 'AWS_SES', true, tags];
const ownedBy = (logicalId: string) => ({ [OWNER_TAG_KEY]: expect.stringMatching(new RegExp(`^arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK}/[^/]+/${logicalId}$`)) });
const identityWrites = () => emulator.calls.filter((c) => /^(CreateEmailIdentity|DeleteEmailIdentity|TagResource|UntagResource)$/.test(c.operation));

/** Calls SES answered about the replica with 200 so far. */
const replicaReads = () => emulator.calls.filter((c) => c.operation === 'GetEmailIdentity' && c.region === 'us-west-2' && c.httpStatus === 200).length;

const parentReads = () => emulator.calls.filter((c) => c.operation === 'GetEmailIdentity' && c.region === PRIMARY && c.httpStatus === 200).length;

test('create -> wait for the parent -> wait until verified -> delete, waiting until it is gone; the parent is only read', async () => {
  // The replica waits for its parent to be verified before it is created (issue #12): verify
  // the parent only after the handler has read it unverified three times, so the wait is
  // real whatever the timing. The replica itself then stays PENDING for a while too.
  const parent = emulator.seedIdentity({ region: PRIMARY, name: DOMAIN, tags: { team: 'mail' }, verified: false });
  let verifiedAt = 0;
  const verifyParent = setInterval(() => {
    if (parentReads() >= 3) {
      parent.verifiedForSending = true;
      parent.dkimStatus = 'SUCCESS';
      verifiedAt = Date.now();
      clearInterval(verifyParent);
    }
  }, 5);
  const cfn = driver();
  const assembly = synth({ Replica: {} });
  const logicalId = logicalIdOf(assembly, 'Replica');

  const created = await cfn.deploy(assembly);
  clearInterval(verifyParent);
  expect(created).toMatchObject({
    status: 'CREATE_COMPLETE',
    outputs: { ReplicaArn: 'arn:aws:ses:us-west-2:123456789012:identity/example.com', ReplicaName: DOMAIN, ReplicaOrigin: 'AWS_SES_US_EAST_1' },
  });
  expect(cfn.resource(logicalId)!.physicalId).toBe('us-west-2/example.com');
  expect(identities()).toEqual([parentState({ team: 'mail' }), ['us-west-2', DOMAIN, 'AWS_SES_US_EAST_1', true, ownedBy(logicalId)]]);
  expect(emulator.identity('us-west-2', DOMAIN)!.dkimTokens).toEqual(emulator.identity(PRIMARY, DOMAIN)!.dkimTokens);
  // It really waited for the parent, created the replica only then, and waited while the replica was PENDING.
  const [create] = cfn.requests;
  expect(create.response.Status).toBe('SUCCESS');
  expect(parentReads()).toBeGreaterThanOrEqual(3);
  expect(emulator.calls.find((c) => c.operation === 'CreateEmailIdentity')!.at).toBeGreaterThanOrEqual(verifiedAt);
  expect(replicaReads()).toBeGreaterThan(1);
  // The parent was read in the primary region, never written.
  expect(identityWrites().map((c) => [c.operation, c.region])).toEqual([['CreateEmailIdentity', 'us-west-2']]);

  emulator.options.identityDeletionDelayMs = 250; // SES still shows a deleted identity for a moment
  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(identities()).toEqual([parentState({ team: 'mail' })]);
  // It waited until SES no longer saw the replica.
  const afterDelete = emulator.calls.slice(emulator.calls.findIndex((c) => c.operation === 'DeleteEmailIdentity'));
  expect(afterDelete.filter((c) => c.operation === 'GetEmailIdentity').map((c) => c.httpStatus).slice(-1)).toEqual([404]);
  expect(afterDelete.filter((c) => c.operation === 'GetEmailIdentity' && c.httpStatus === 200).length).toBeGreaterThan(0);

  // One JSON log line per SES call, naming operation, region, identity and outcome (and one
  // saying onEvent handed the wait for the parent over to isComplete).
  expect(logLines.filter((l) => l.identityName === undefined)).toEqual([
    { operation: 'Create', physicalId: 'us-west-2/example.com', outcome: 'handed over to isComplete (out of turns, or waiting for the parent)' },
  ]);
  logLines = logLines.filter((l) => l.identityName !== undefined);
  expect(logLines).toHaveLength(emulator.calls.length);
  expect(logLines[0]).toEqual({ operation: 'GetEmailIdentity', region: PRIMARY, identityName: DOMAIN, outcome: 'ok' });
  expect(logLines.map((l) => [l.operation, l.region])).toEqual(emulator.calls.map((c) => [c.operation, c.region]));
});

describe('the parent must be an Easy DKIM identity in the primary region', () => {
  test.each([
    ['missing', () => undefined,
      "The parent identity 'example.com' in us-east-1 does not exist: create it there with Easy DKIM (and verify it) before replicating it to us-west-2, or fix parentIdentityName."],
    ['using BYODKIM', () => emulator.seedIdentity({ region: PRIMARY, name: DOMAIN, dkimOrigin: 'EXTERNAL' }),
      "The parent identity 'example.com' in us-east-1 uses Bring Your Own DKIM (SigningAttributesOrigin EXTERNAL): DEED replicates only identities that use Easy DKIM."],
    ['itself a replica', () => {
      emulator.seedIdentity({ region: 'eu-west-1', name: DOMAIN });
      emulator.seedIdentity({ region: PRIMARY, name: DOMAIN, dkimOrigin: 'AWS_SES_EU_WEST_1' });
    }, "The parent identity 'example.com' in us-east-1 is itself a DEED replica (SigningAttributesOrigin AWS_SES_EU_WEST_1, replicated from eu-west-1), and a replica cannot be a parent."],
    // Issue #12: a replica waits for its parent, within its own timeout, and says which of the two never verified.
    ['that is never verified', () => emulator.seedIdentity({ region: PRIMARY, name: DOMAIN, verified: false }),
      "Timed out after 5 seconds waiting for the parent identity 'example.com' in us-east-1 to be verified for sending (DKIM status: PENDING), so its DEED replica in us-west-2 was not created."],
    ['whose DKIM verification FAILED', () => emulator.seedIdentity({ region: PRIMARY, name: DOMAIN, verified: false, dkimStatus: 'FAILED' }),
      "The parent identity 'example.com' in us-east-1 failed DKIM verification (status FAILED), so it cannot be replicated to us-west-2"],
  ])('a parent %s fails the deploy clearly; nothing is created', async (_, seed, message) => {
    seed();
    const before = identities();
    const result = await driver().deploy(synth({ Replica: { timeout: Duration.seconds(5) } }));
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.reason).toContain(message);
    expect(identities()).toEqual(before);
    expect(identityWrites()).toEqual([]);
  });
});

test('a foreign identity of the same name in the replica region fails the deploy, and the rollback leaves it untouched', async () => {
  emulator.seedIdentity({ region: PRIMARY, name: DOMAIN });
  emulator.seedIdentity({ region: 'us-west-2', name: DOMAIN, dkimOrigin: 'AWS_SES_US_EAST_1', tags: { owner: 'billing-team' } });
  const before = identities();
  const result = await driver().deploy(synth({ Replica: {} }));
  expect(result).toMatchObject({
    status: 'ROLLBACK_COMPLETE',
    reason: "An email identity named 'example.com' already exists in us-west-2 and was not created by this stack: delete it there if it should be a DEED replica of us-east-1, or leave it out of this stack. It was left untouched.",
  });
  expect(identities()).toEqual(before);
  expect(identityWrites().map((c) => [c.operation, c.errorType])).toEqual([['CreateEmailIdentity', 'AlreadyExistsException']]);
});

test('DKIM verification FAILED fails the deploy, and the rollback deletes the replica', async () => {
  emulator.options.replicaFailNames = [DOMAIN];
  emulator.seedIdentity({ region: PRIMARY, name: DOMAIN });
  const result = await driver().deploy(synth({ Replica: {} }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toContain("DKIM verification FAILED for the DEED replica 'example.com' in us-west-2");
  expect(identities()).toEqual([parentState()]);
});

test('deleting a replica that was removed out of band succeeds without a delete call', async () => {
  emulator.seedIdentity({ region: PRIMARY, name: DOMAIN });
  const cfn = driver();
  expect(await cfn.deploy(synth({ Replica: {} }))).toMatchObject({ status: 'CREATE_COMPLETE' });
  const outOfBand = new SESv2Client({ endpoint: emulator.url, region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  await outOfBand.send(new DeleteEmailIdentityCommand({ EmailIdentity: DOMAIN }));
  outOfBand.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50)); // past identityDeletionDelayMs
  const deletesBefore = emulator.calls.filter((c) => c.operation === 'DeleteEmailIdentity').length;

  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(emulator.calls.filter((c) => c.operation === 'DeleteEmailIdentity')).toHaveLength(deletesBefore);
  expect(identities()).toEqual([parentState()]);
});

test('the same Create delivered twice (the first succeeded at SES) makes one replica', async () => {
  emulator.options.identityNotFoundAfterCreateMs = 0; // (the handler's 1 s re-lookup is unit-tested)
  emulator.seedIdentity({ region: PRIMARY, name: DOMAIN });
  const cfn = driver({ deliverTwice: (_, type) => type === 'Create' });
  expect(await cfn.deploy(synth({ Replica: {} }))).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(emulator.calls.filter((c) => c.operation === 'CreateEmailIdentity').map((c) => c.errorType)).toEqual([undefined, 'AlreadyExistsException']);
  expect(emulator.identities('us-west-2')).toHaveLength(1);
  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(identities()).toEqual([parentState()]);
});

test('a region change creates the new replica first, then deletes the old one; a timeout change calls nothing', async () => {
  emulator.seedIdentity({ region: PRIMARY, name: DOMAIN });
  const cfn = driver();
  expect(await cfn.deploy(synth({ Replica: {} }))).toMatchObject({ status: 'CREATE_COMPLETE' });

  const calls = emulator.calls.length;
  expect(await cfn.deploy(synth({ Replica: { timeout: Duration.minutes(10) } }))).toMatchObject({ status: 'UPDATE_COMPLETE', outputs: { ReplicaName: DOMAIN } });
  expect(emulator.calls).toHaveLength(calls);

  const moved = await cfn.deploy(synth({ Replica: { replicaRegion: 'eu-west-1' } }));
  expect(moved).toMatchObject({ status: 'UPDATE_COMPLETE', outputs: { ReplicaArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' } });
  expect(identities().map((i) => i.slice(0, 4))).toEqual([['eu-west-1', DOMAIN, 'AWS_SES_US_EAST_1', true], [PRIMARY, DOMAIN, 'AWS_SES', true]]);
  const writes = identityWrites().map((c) => [c.operation, c.region]);
  expect(writes.slice(-2)).toEqual([['CreateEmailIdentity', 'eu-west-1'], ['DeleteEmailIdentity', 'us-west-2']]);

  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(identities()).toEqual([parentState()]);
});

test('a stack with an endpoint and its replica identity deploys and destroys both', async () => {
  emulator.seedIdentity({ region: PRIMARY, name: DOMAIN });
  const cfn = driver();
  const assembly = synth({}, (stack) => {
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders' });
    const parent = ses.EmailIdentity.fromEmailIdentityName(stack, 'Parent', DOMAIN);
    const replica = ReplicaEmailIdentity.forEmailIdentity(stack, 'Replica', parent, endpoint.secondaryRegion);
    new CfnOutput(stack, 'EndpointId', { value: endpoint.endpointId });
    new CfnOutput(stack, 'ReplicaArn', { value: replica.identityArn });
  });
  const result = await cfn.deploy(assembly);
  expect(result).toMatchObject({ status: 'CREATE_COMPLETE', outputs: { ReplicaArn: 'arn:aws:ses:us-west-2:123456789012:identity/example.com' } });
  expect(result.outputs.EndpointId).toBe(emulator.endpoint(PRIMARY, 'orders')!.endpointId);
  expect(emulator.endpoints().map((e) => [e.region, e.endpointName, e.status, e.routes])).toEqual([[PRIMARY, 'orders', 'READY', ['us-west-2']]]);
  expect(identities()).toEqual([parentState(), ['us-west-2', DOMAIN, 'AWS_SES_US_EAST_1', true, ownedBy(logicalIdOf(assembly, 'Replica'))]]);

  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(emulator.endpoints()).toEqual([]);
  expect(identities()).toEqual([parentState()]);
});
