/**
 * Runs @aws-cdk/integ-runner with its arguments, made able to read this project's cloud
 * assemblies. Used by the `integ`, `integ:update` and `integ:deploy` tasks:
 *
 *     node test/support/integ-runner.js [integ-runner options...]
 *
 * Why: @aws-cdk/integ-runner 2.197.10 (the newest on npm) bundles a toolkit that reads
 * cloud assemblies up to schema version 53, while aws-cdk-lib 2.276.0 writes version 55,
 * so plain integ-runner refuses every assembly this project synthesizes with
 * "AssemblyVersionMismatch: Maximum schema version supported is 53.x.x, but found 55.0.0".
 *
 * How: run as a script, this file starts integ-runner with itself preloaded
 * (NODE_OPTIONS=--require, so integ-runner's worker processes and threads get it too);
 * preloaded, it raises the maximum schema version of integ-runner's bundled toolkit to the
 * version installed beside aws-cdk-lib, and changes nothing else. When integ-runner already
 * supports that version it changes nothing at all: then call integ-runner directly and
 * delete this file.
 */
'use strict';
const Module = require('module');
const path = require('path');

/** The bundled toolkit of integ-runner, and its copy of cloud-assembly-schema's version.json. */
const TOOLKIT_BUNDLE = path.join('@aws-cdk', 'integ-runner', 'lib', 'workers', 'extract', 'index.js');
const BUNDLED_VERSION = /("\.\.\/cloud-assembly-schema\/schema\/version\.json"[^]{0,400}?revision: )(\d+)/;

/** The cloud assembly schema revision aws-cdk-lib writes. */
function writtenSchemaRevision() {
  const lib = path.dirname(require.resolve('aws-cdk-lib/package.json', { paths: [process.cwd(), __dirname] }));
  const schema = path.dirname(require.resolve('@aws-cdk/cloud-assembly-schema/package.json', { paths: [lib] }));
  return require(path.join(schema, 'schema', 'version.json')).revision;
}

function installHook() {
  let wanted;
  try {
    wanted = writtenSchemaRevision();
  } catch {
    return; // not in this project (e.g. the synthesized app's own process): nothing to do
  }
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithSchemaVersion(content, filename) {
    if (filename.endsWith(TOOLKIT_BUNDLE)) {
      const match = BUNDLED_VERSION.exec(content);
      if (match && Number(match[2]) < wanted) {
        content = content.replace(BUNDLED_VERSION, `$1${wanted}`);
      }
    }
    return compile.call(this, content, filename);
  };
}

function runIntegRunner(args) {
  const { spawnSync } = require('child_process');
  const bin = require.resolve('@aws-cdk/integ-runner/bin/integ-runner');
  const env = {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${JSON.stringify(__filename)}`].filter(Boolean).join(' '),
  };
  const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', env });
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
}

if (require.main === module) {
  runIntegRunner(process.argv.slice(2));
} else {
  installHook();
}
