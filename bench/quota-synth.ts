/**
 * Synthesizes one stack of the quota benchmark into a cloud assembly directory, with the
 * library found at LIB_DIR: this checkout's, or the one before issue #11 (checked out by
 * bench/quota.ts). Run as a child process, so each library loads on its own:
 *
 *   node -r ts-node/register/transpile-only bench/quota-synth.ts LIB_DIR SHAPE COUNT TAGGED OUTDIR STACK
 *
 * SHAPE is `endpoints` (COUNT endpoints) or `replicas` (COUNT endpoints, each with a DEED
 * replica of its own domain); TAGGED `1` adds Tags.of(stack).add('team', 'mail').
 */
import * as path from 'path';
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';

export const QUOTA_PRIMARY = 'us-east-1';
export const QUOTA_SECONDARY = 'us-west-2';
export const QUOTA_ACCOUNT = '123456789012';

/** The parent domain of the i-th replica. */
export const parentDomain = (i: number) => `d${i}.example.com`;

function main(): void {
  const [libDir, shape, count, tagged, outdir, stackName] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require(path.resolve(libDir, 'lib', 'index.ts'));
  const app = new App({ outdir });
  const stack = new Stack(app, stackName, { env: { region: QUOTA_PRIMARY, account: QUOTA_ACCOUNT } });
  for (let i = 0; i < Number(count); i++) {
    const endpoint = new lib.MultiRegionEndpoint(stack, `Endpoint${i}`, { secondaryRegion: QUOTA_SECONDARY });
    if (shape === 'replicas') {
      endpoint.addReplicaIdentity(`Replica${i}`, ses.EmailIdentity.fromEmailIdentityName(stack, `Parent${i}`, parentDomain(i)));
    }
  }
  if (tagged === '1') Tags.of(stack).add('team', 'mail');
  app.synth();
}

if (require.main === module) main();
