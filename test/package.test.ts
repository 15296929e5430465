/**
 * The published package really works, built the way the README tells a newcomer to build it:
 * in a clean clone of this checkout (its files copied, node_modules linked, nothing built),
 * `npm pack` is refused because the build output is missing, then the README's own command
 * (`npx projen package:js`, read from the README) builds the tarball, whose contents are
 * checked. It is installed into an empty project (offline, from the npm cache) that
 * synthesizes the README's example app and a stack using the rest of the public API.
 * Set PACKAGE_TARBALL to a tarball (e.g. dist/js/*.tgz) to check that one instead.
 *
 * CONSUMER_AWS_CDK_LIB (default: the installed aws-cdk-lib version) picks the aws-cdk-lib the
 * consumer installs; versions not in the npm cache are fetched from the registry
 * (`--prefer-offline`), and the peer range is then ignored (`--legacy-peer-deps`). That is how
 * the oldest supported aws-cdk-lib is verified (see CONTRIBUTING.md).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanCopy, HANDLER_ASSET, NODE_MODULES, ROOT, run } from './support/checkout';
import { codeBlocks } from './support/markdown';

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const installedVersion = (name: string): string =>
  JSON.parse(fs.readFileSync(path.join(NODE_MODULES, name, 'package.json'), 'utf8')).version;
const CDK_VERSION = process.env.CONSUMER_AWS_CDK_LIB ?? installedVersion('aws-cdk-lib');
const CONSTRUCTS_VERSION = installedVersion('constructs');

jest.setTimeout(240_000);

let work: string;
let tarball: string;
let files: string[];
/** What `npm pack` printed when it was refused in the clean clone. */
let refusal: string;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The README's command that builds the package, from its shell block that clones the
 * repository: the line that runs `npm ci` and then the build. `npm ci` itself is skipped
 * here (the clean copy links this checkout's node_modules).
 */
function readmeBuildCommand(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = codeBlocks(readme).find((b) => b.info === 'sh' && b.code.includes('git clone'));
  const line = block?.code.split('\n').find((l) => l.startsWith('npm ci && '));
  if (!line) throw new Error("README.md has no shell block with 'git clone' and a line 'npm ci && <build command>'");
  return line.slice('npm ci && '.length);
}

/** Builds the tarball in a clean clone with the README's command; returns its path. */
function packLibrary(): string {
  const clone = cleanCopy(path.join(work, 'clone'));
  try {
    run(npm, ['pack', '--pack-destination', work], clone);
    refusal = '(npm pack succeeded)';
  } catch (e: any) {
    refusal = e.message;
  }
  run('sh', ['-c', readmeBuildCommand()], clone, 200_000);
  const dist = path.join(clone, 'dist', 'js');
  const built = fs.readdirSync(dist).filter((f) => f.endsWith('.jsii.tgz'));
  expect(built).toEqual([`${PACKAGE.name}@${PACKAGE.version}.jsii.tgz`]);
  return path.join(dist, built[0]);
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ses-mre-package-'));
  tarball = process.env.PACKAGE_TARBALL ? path.resolve(process.env.PACKAGE_TARBALL) : packLibrary();
  files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
});

afterAll(() => {
  if (work && !process.env.KEEP_PACKAGE_TEST_DIR) fs.rmSync(work, { recursive: true, force: true });
});

describe('building the package', () => {
  test('the README\'s command is the one that bundles, compiles, packs and checks', () => {
    expect(readmeBuildCommand()).toBe('npx projen package:js');
    const steps = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks['package:js'].steps;
    expect(steps.map((step: any) => step.spawn ?? step.exec)).toEqual([
      'bundle', 'compile', 'jsii-pacmak -v --target js', expect.stringMatching(/check-package\.ts tarball dist\/js$/),
    ]);
  });

  (process.env.PACKAGE_TARBALL ? test.skip : test)('npm pack in a clean clone is refused, naming what is missing and the command', () => {
    expect(refusal).toContain('This package would be broken, so it was not made:');
    expect(refusal).toContain('.jsii is missing (jsii compiles it)');
    expect(refusal).toContain(`${HANDLER_ASSET} is missing (esbuild bundles the handler into it)`);
    expect(refusal).toContain('Build a complete package with `npx projen package:js`');
    expect(fs.readdirSync(work).filter((f) => f.endsWith('.tgz'))).toEqual([]);
  });

  test('a tarball without the handler bundle is reported and deleted', () => {
    const dir = path.join(work, 'broken');
    fs.mkdirSync(path.join(dir, 'package', 'out'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package', '.jsii'), '{}');
    fs.writeFileSync(path.join(dir, 'package', 'out', 'index.js'), '');
    run('tar', ['-czf', 'broken.jsii.tgz', 'package'], dir);
    fs.rmSync(path.join(dir, 'package'), { recursive: true });
    let error = '';
    try {
      run(path.join(NODE_MODULES, '.bin', 'ts-node'), ['--transpile-only', '--project', 'projenrc/tsconfig.json', 'projenrc/check-package.ts', 'tarball', dir], ROOT);
    } catch (e: any) {
      error = e.message;
    }
    expect(error).toContain(`broken.jsii.tgz lacks ${HANDLER_ASSET}`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('the tarball', () => {
  test('holds the compiled library, the jsii assembly, the bundled handler, README and LICENSE', () => {
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', '.jsii',
      'out/index.js', 'out/index.d.ts', 'out/multi-region-endpoint.js', 'out/multi-region-endpoint.d.ts',
      HANDLER_ASSET,
    ]));
    // Every compiled module comes with its declarations.
    const js = files.filter((f) => f.startsWith('out/') && f.endsWith('.js'));
    expect(js.length).toBeGreaterThanOrEqual(2);
    for (const f of js) expect(files).toContain(f.replace(/\.js$/, '.d.ts'));
  });

  test('holds no sources, tests, handler sources, example, CI, benchmarks or docs', () => {
    const unwanted = files.filter((f) =>
      /^(lib|test|lambda|example|\.ci|bench|docs|rosetta|projenrc|\.projen|\.github|cdk\.out|coverage|test-reports|node_modules)\//.test(f)
      || (f.endsWith('.ts') && !f.endsWith('.d.ts'))
      || ['tsconfig.json', 'cdk.json', '.projenrc.ts', '.npmignore', '.gitignore'].includes(f));
    expect(unwanted).toEqual([]);
  });

  test('package.json points at what is in it', () => {
    const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], work));
    expect(files).toContain(manifest.main);
    expect(files).toContain(manifest.types);
    expect(manifest.peerDependencies).toEqual(expect.objectContaining({ 'aws-cdk-lib': expect.any(String), 'constructs': expect.any(String) }));
    // The handler's SDK is bundled into the asset: nothing to install at run time.
    expect(manifest.dependencies ?? {}).toEqual({});
  });
});

describe('installed into an empty project', () => {
  let consumer: string;

  beforeAll(() => {
    consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const legacy = CDK_VERSION === installedVersion('aws-cdk-lib') ? [] : ['--legacy-peer-deps'];
    const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...legacy, tarball, `aws-cdk-lib@${CDK_VERSION}`, `constructs@${CONSTRUCTS_VERSION}`];
    try {
      run(npm, [...args, '--offline'], consumer, 180_000);
    } catch (offline) {
      // Something was not in the local cache (e.g. another CONSUMER_AWS_CDK_LIB): use the registry.
      run(npm, [...args, '--prefer-offline'], consumer, 180_000);
    }
    fs.writeFileSync(path.join(consumer, 'app.js'), [
      "const { App, Stack } = require('aws-cdk-lib');",
      "const { MultiRegionEndpoint } = require('cdk-ses-multi-region-endpoint');",
      "const app = new App({ outdir: 'cdk.out' });",
      "const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });",
      "const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2', tags: { team: 'mail' } });",
      'endpoint.metricSendCount();',
      "MultiRegionEndpoint.fromEndpointName(stack, 'Existing', 'billing-mail');",
      // The rest of the public API a consumer reaches first: DEED replica, grants, Tags.
      "const ses = require('aws-cdk-lib/aws-ses');",
      "const lambda = require('aws-cdk-lib/aws-lambda');",
      "const domain = new ses.EmailIdentity(stack, 'Domain', { identity: ses.Identity.domain('example.com') });",
      "endpoint.addReplicaIdentity('DomainReplica', domain);",
      "const fn = new lambda.Function(stack, 'Sender', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });",
      'endpoint.grantSendEmail(fn, domain);',
      "require('aws-cdk-lib').Tags.of(endpoint).add('cost-center', 'mail');",
      'app.synth();',
      "console.log(require.resolve('cdk-ses-multi-region-endpoint'));",
      "console.log(require('aws-cdk-lib/package.json').version);",
      '',
    ].join('\n'));
  });

  test('synthesizes a MultiRegionEndpoint whose Lambda code is the bundled handler', () => {
    const [resolved, cdkVersion] = run(process.execPath, ['app.js'], consumer).trim().split('\n');
    // The installed copy, not this checkout.
    expect(resolved).toBe(path.join(fs.realpathSync(consumer), 'node_modules', 'cdk-ses-multi-region-endpoint', 'out', 'index.js'));
    expect(cdkVersion).toBe(CDK_VERSION);

    const template = JSON.parse(fs.readFileSync(path.join(consumer, 'cdk.out', 'Consumer.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as any[];
    expect(resources.filter((r) => r.Type === 'Custom::SESMultiRegionEndpoint')).toHaveLength(1);
    expect(resources.filter((r) => r.Type === 'Custom::SESMultiRegionEndpointLookup')).toHaveLength(1);
    expect(resources.filter((r) => r.Type === 'Custom::SESReplicaEmailIdentity')).toHaveLength(1);
    const grant = resources.find((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes('ses:MultiRegionEndpointId'));
    expect(grant).toBeDefined();
    const endpointResource = resources.find((r) => r.Type === 'Custom::SESMultiRegionEndpoint');
    expect(endpointResource.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'cost-center', Value: 'mail' }]));

    // The library's handler Lambdas (the Provider framework's own use other handler names):
    // the stack's one provider has two, running the bundle exactly as it ships in the package.
    const handlers = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && /^index\.(onEvent|isComplete)$/.test(r.Properties.Handler));
    const shipped = new Map([HANDLER_ASSET].map((asset) =>
      [sha256(fs.readFileSync(path.join(consumer, 'node_modules', PACKAGE.name, asset))), asset]));
    const assets = JSON.parse(fs.readFileSync(path.join(consumer, 'cdk.out', 'Consumer.assets.json'), 'utf8')).files;
    const runs = handlers.map((fn) => {
      const asset = assets[(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')];
      expect(asset).toBeDefined();
      const staged = path.join(consumer, 'cdk.out', asset.source.path);
      expect(fs.readdirSync(staged)).toEqual(['index.js']);
      return `${shipped.get(sha256(fs.readFileSync(path.join(staged, 'index.js'))))} ${fn.Properties.Handler}`;
    });
    expect(runs.sort()).toEqual([`${HANDLER_ASSET} index.isComplete`, `${HANDLER_ASSET} index.onEvent`]);
  });

  test('synthesizes the README\'s example app, type-checked against the installed package', () => {
    const example = codeBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).find((b) => b.info === 'ts fixture=app');
    expect(example).toBeDefined();
    const dir = path.join(consumer, 'readme-app');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'app.ts'), example!.code);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        skipLibCheck: true,
        outDir: 'js',
        typeRoots: [path.join(NODE_MODULES, '@types')],
        types: ['node'],
      },
      files: ['app.ts'],
    }));
    run(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '-p', dir], dir);
    run('env', ['CDK_OUTDIR=cdk.out', process.execPath, path.join('js', 'app.js')], dir);

    const template = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.out', 'Mail.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as any[];
    expect(resources.filter((r) => r.Type === 'Custom::SESMultiRegionEndpoint').map((r) => r.Properties.EndpointName)).toEqual(['orders-mail']);
    expect(resources.filter((r) => r.Type === 'Custom::SESReplicaEmailIdentity')).toHaveLength(1);
    expect(template.Outputs.EndpointId.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'EndpointId'] });
  });

  /**
   * lib/ type-checked against the consumer's aws-cdk-lib: with the oldest version of the peer
   * range (CONSUMER_AWS_CDK_LIB), this catches an API the library uses that the version lacks,
   * also on code paths the synthesized stack above does not reach.
   */
  test('lib/ type-checks against the installed aws-cdk-lib', () => {
    const check = path.join(consumer, 'typecheck');
    fs.cpSync(path.join(ROOT, 'lib'), path.join(check, 'lib'), { recursive: true });
    const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
    fs.writeFileSync(path.join(check, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        noEmit: true,
        // Node's types from this checkout; aws-cdk-lib and constructs from the consumer's node_modules.
        typeRoots: [path.join(NODE_MODULES, '@types')],
        types: ['node'],
      },
      include: ['lib/**/*.ts'],
    }));
    run(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '-p', check], check);
    const resolved = run(process.execPath, ['-p', "require.resolve('aws-cdk-lib/package.json')"], check).trim();
    expect(JSON.parse(fs.readFileSync(resolved, 'utf8')).version).toBe(CDK_VERSION);
  });
});

function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}
