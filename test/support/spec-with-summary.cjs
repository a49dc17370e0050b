'use strict';
// Mocha's spec reporter, followed by one plain summary line that tools can read:
// "tests: N passed, N failed, N skipped". Pending tests (skipped suites such as the
// Meilisearch integration tests without a server) are reported as skipped, never as passed.
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      process.stdout.write(`\ntests: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SpecWithSummary;
