'use strict';
// Runs a command-line entry point of src/interfaces/cli by name: from the TypeScript sources
// when tsx is installed (a development checkout), otherwise from the compiled dist/ (the
// production image, installed without dev dependencies).
const path = require('node:path');

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z-]+$/.test(name)) {
  process.stderr.write('usage: node scripts/run-cli.cjs <command> [options]\n');
  process.exit(2);
}
process.argv = [process.argv[0], name, ...args];

let fromSources = true;
try {
  require.resolve('tsx/cjs');
} catch {
  fromSources = false;
}
if (fromSources) {
  require('tsx/cjs');
  require(path.join(__dirname, '../src/interfaces/cli', `${name}.ts`));
} else {
  require(path.join(__dirname, '../dist/src/interfaces/cli', `${name}.js`));
}
