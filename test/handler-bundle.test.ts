/**
 * The shipped handler bundle as Lambda loads them: a fresh Node process, the bundle alone
 * in a directory with no node_modules above it, the environment Lambda gives the SDK.
 *
 * The bundles leave the SDK's unreachable credential providers external (see .projenrc.ts,
 * issue #6: cold start): the default chain stops at fromEnv when Lambda's credentials are in
 * the environment, so a whole invocation must never load a module outside Node's builtins.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SesEmulator } from './emulator/ses-emulator';

const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'provider', 'index', 'index.js');
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MailStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001';

/** One Delete of something that does not exist, for each resource kind: one SES call (ListTagsForResource), answered NotFound. */
const KINDS = [
  { name: 'endpoint', physicalId: 'orders-mail', resourceType: 'Custom::SESMultiRegionEndpoint', signingRegion: 'us-east-1' },
  { name: 'replica', physicalId: 'us-west-2/example.com', resourceType: 'Custom::SESReplicaEmailIdentity', signingRegion: 'us-west-2' },
  { name: 'email template', physicalId: 'us-west-2/welcome', resourceType: 'Custom::SESEmailTemplate', signingRegion: 'us-west-2' },
  { name: 'configuration set', physicalId: 'us-west-2/transactional', resourceType: 'Custom::SESConfigurationSet', signingRegion: 'us-west-2' },
];

/**
 * Runs in the child: records every module the bundle asks for that is not a Node builtin,
 * loads the bundle, invokes onEvent once and prints the result with that list.
 */
const CHILD = `
const Module = require('module');
const file = process.argv[1];
const outside = [];
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request !== file && !Module.isBuiltin(request)) outside.push(request);
  return load.call(this, request, ...rest);
};
console.log = () => undefined; // the handler's JSON log lines
require(file).onEvent(JSON.parse(process.argv[2])).then(
  (result) => process.stdout.write(JSON.stringify({ result, outside })),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exitCode = 1; },
);
`;

let emulator: SesEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await SesEmulator.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handler-bundle-'));
});
afterAll(async () => {
  await emulator?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the bundle has no dynamic import()', () => {
  // import() would not find the external providers through Lambda's NODE_PATH, and jest
  // cannot run it in a bundle loaded by the tests without --experimental-vm-modules.
  const code = fs.readFileSync(BUNDLE, 'utf8');
  expect(code.match(/\bimport\s*\(/g)).toBeNull();
});

test.each(KINDS)('the bundle serves an invocation ($name) with Lambda\'s environment and loads nothing outside Node', async ({ name, physicalId, resourceType, signingRegion }) => {
  const file = path.join(dir, name, 'index.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(BUNDLE, file);
  const event = {
    RequestType: 'Delete',
    ServiceToken: 'token',
    ResponseURL: 'https://example.com',
    StackId: STACK_ID,
    RequestId: 'r1',
    LogicalResourceId: 'Resource',
    ResourceType: resourceType,
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: 'token' },
  };
  // What Lambda sets (credentials of the execution role, region), plus the emulator's endpoint.
  // (Turns of 20 ms: the schedule on a faster clock.)
  const env = { PATH: process.env.PATH, ...emulator.clientEnv('us-east-1'), AWS_SESSION_TOKEN: 'session', AWS_LAMBDA_FUNCTION_NAME: 'handler', SES_CALL_PERIOD_MS: '20' };
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', CHILD, file, JSON.stringify(event)], { cwd: dir, env, timeout: 20_000 }, (error, out, err) => {
      if (error) reject(new Error(`${error.message}\n${err}`));
      else resolve(out);
    });
  });
  const { result, outside } = JSON.parse(stdout);
  expect(result).toMatchObject({ PhysicalResourceId: physicalId, NothingToDelete: true });
  expect(outside).toEqual([]);
  // Signed (credentials from the environment), sent, answered: the region of the signature
  // is the client's (the replica handler signs for the replica's region).
  expect(emulator.calls.slice(-1)).toEqual([expect.objectContaining({ operation: 'ListTagsForResource', errorType: 'NotFoundException', region: signingRegion })]);
});
