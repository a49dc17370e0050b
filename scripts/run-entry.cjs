'use strict';
// Runs an entry point of the service by its path under src/ (without extension), passing the
// remaining arguments on: from the TypeScript sources when tsx is installed (a development
// checkout), otherwise from the compiled dist/ (the production image, without dev dependencies).
//   node scripts/run-entry.cjs interfaces/cli/seed --tests 1000
const path = require('node:path');

const [entry, ...args] = process.argv.slice(2);
if (!entry || !/^[a-z-]+(\/[a-z-]+)*$/.test(entry)) {
  process.stderr.write('usage: node scripts/run-entry.cjs <path under src, e.g. interfaces/cli/seed> [options]\n');
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...args];

let fromSources = true;
try {
  require.resolve('tsx/cjs');
} catch {
  fromSources = false;
}
if (fromSources) {
  // tsx reads the tsconfig.json of the working directory: the project's, wherever it is run from.
  process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '../tsconfig.json');
  require('tsx/cjs');
  require(path.join(__dirname, '../src', `${entry}.ts`));
} else {
  const compiled = path.join(__dirname, '../dist/src', `${entry}.js`);
  try {
    require.resolve(compiled);
  } catch {
    // The benchmark and explain tools are development tools, left out of the compiled build.
    process.stderr.write(`${entry} is not in this build (dist/): it is a development tool; run it from a development checkout (npm ci)\n`);
    process.exit(2);
  }
  require(compiled);
}
