/**
 * The production-limits check (issue #13, item 3), through CloudFormation: synthesized stacks
 * played by the CloudFormation driver, running the bundled handler, against the SESv2
 * emulator with each region's account state seeded (GetAccount).
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MultiRegionEndpoint, MultiRegionEndpointProps, ProductionLimitsCheck } from '../lib';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';

const REGION = 'us-east-1';
const STACK = 'MailStack';
let emulator: SesEmulator;

beforeAll(async () => {
  emulator = await SesEmulator.start();
});
afterAll(async () => {
  await emulator?.stop();
});
beforeEach(() => {
  emulator.reset();
  emulator.options = { provisioningDelayMs: 60, deletionDelayMs: 40, notFoundAfterCreateMs: 20 };
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

function synth(props: Partial<MultiRegionEndpointProps> = {}): CloudAssembly {
  const app = new App();
  const stack = new Stack(app, STACK, { env: { region: REGION, account: '123456789012' } });
  const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', endpointName: 'orders', ...props });
  new CfnOutput(stack, 'SecondaryProduction', { value: endpoint.secondarySendingAccount.productionAccessEnabled });
  new CfnOutput(stack, 'SecondaryQuota', { value: endpoint.secondarySendingAccount.max24HourSend });
  new CfnOutput(stack, 'PrimaryRate', { value: endpoint.primarySendingAccount.maxSendRate });
  return app.synth();
}

function driver(): CloudFormationDriver {
  return new CloudFormationDriver({ stackName: STACK, region: REGION, lambdaEnv: { ...emulator.clientEnv(REGION), SES_CALL_PERIOD_MS: '20' } });
}

const sandbox = { ProductionAccessEnabled: false, SendQuota: { Max24HourSend: 200, MaxSendRate: 1 } };

test('a secondary region in the sandbox fails the deploy before anything is created (PARITY, the default)', async () => {
  emulator.seedAccount('us-west-2', sandbox);
  const result = await driver().deploy(synth());
  expect(result).toMatchObject({ status: 'ROLLBACK_COMPLETE' });
  expect(result.reason).toContain("The secondary region us-west-2 cannot carry the mail of SES multi-region endpoint 'orders' as us-east-1 does "
    + '(productionLimitsCheck PARITY): us-west-2 is in the SES sandbox (it sends only to verified addresses): request production access in us-west-2.');
  expect(emulator.endpoints()).toEqual([]);
  expect(emulator.calls.map((c) => `${c.operation} ${c.region}`)).toEqual(['GetAccount us-east-1', 'GetAccount us-west-2']);
});

test('REPORT deploys anyway and exposes both regions\' account state as attributes', async () => {
  emulator.seedAccount('us-west-2', sandbox);
  const result = await driver().deploy(synth({ productionLimitsCheck: ProductionLimitsCheck.REPORT }));
  expect(result).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(result.outputs).toMatchObject({ SecondaryProduction: 'false', SecondaryQuota: '200', PrimaryRate: '14' });
  expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ status: 'READY' });
});

test('STRICT: a lower quota fails the update that turns it on, leaving the endpoint as it was; granted, the next deploy passes', async () => {
  const cfn = driver();
  expect(await cfn.deploy(synth())).toMatchObject({ status: 'CREATE_COMPLETE' });
  const endpointId = emulator.endpoint(REGION, 'orders')!.endpointId;
  emulator.seedAccount('us-west-2', { SendQuota: { Max24HourSend: 10_000 } });

  const strict = await cfn.deploy(synth({ productionLimitsCheck: ProductionLimitsCheck.STRICT, tags: { team: 'mail' } }));
  expect(strict).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
  expect(strict.reason).toContain("us-west-2's sending quota is 10000 emails per 24 hours, below us-east-1's 50000: request a sending quota increase in us-west-2");
  expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ endpointId, status: 'READY' });
  expect(emulator.endpoint(REGION, 'orders')!.tags).not.toHaveProperty('team');

  emulator.seedAccount('us-west-2', { SendQuota: { Max24HourSend: 50_000 } });
  const granted = await cfn.deploy(synth({ productionLimitsCheck: ProductionLimitsCheck.STRICT, tags: { team: 'mail' } }));
  expect(granted).toMatchObject({ status: 'UPDATE_COMPLETE' });
  expect(granted.outputs).toMatchObject({ SecondaryQuota: '50000' });
  expect(emulator.endpoint(REGION, 'orders')).toMatchObject({ endpointId, tags: expect.objectContaining({ team: 'mail' }) });
});
