import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { API_NODE_FLAGS } from '../../src/interfaces/http/runtime-flags';

describe('the Node flags of the API process', () => {
  const root = path.join(__dirname, '../..');

  it('are passed by npm start, before the entry point', () => {
    const start: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
    expect(start).to.equal(`node ${API_NODE_FLAGS.join(' ')} scripts/run-entry.cjs interfaces/http/main`);
  });

  it("are passed by the image's command, before the entry point", () => {
    const command = /^CMD (\[.*\])$/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
    expect(command, 'a CMD in exec form').to.not.equal(null);
    expect(JSON.parse(command![1])).to.deep.equal(['node', ...API_NODE_FLAGS, 'dist/src/interfaces/http/main.js']);
  });

  it('are accepted by this Node (it refuses to start on a flag it does not know)', () => {
    expect(execFileSync(process.execPath, [...API_NODE_FLAGS, '-e', 'console.log("started")'], { encoding: 'utf8' })).to.equal('started\n');
  });
});
