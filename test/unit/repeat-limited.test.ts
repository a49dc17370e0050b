import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { repeatLimited } from '../../src/infrastructure/logging/repeat-limited';

describe('A log of failures that repeat', () => {
  it('says each failure once per quiet spell, then how many like it were left out', async () => {
    const lines: Array<[Record<string, unknown>, string]> = [];
    const report = repeatLimited((fields, message) => void lines.push([fields, message]), 50);
    for (let i = 0; i < 5; i += 1) report('redis connection error', 'ECONNREFUSED');
    report('redis connection error', 'ETIMEDOUT');
    report('queue connection error', 'ECONNREFUSED');
    expect(lines).to.deep.equal([
      [{ err: 'ECONNREFUSED' }, 'redis connection error'],
      [{ err: 'ETIMEDOUT' }, 'redis connection error'],
      [{ err: 'ECONNREFUSED' }, 'queue connection error'],
    ]);
    await delay(60);
    report('redis connection error', 'ECONNREFUSED');
    expect(lines.at(-1)).to.deep.equal([{ err: 'ECONNREFUSED', repeated: 4 }, 'redis connection error']);
  });
});
