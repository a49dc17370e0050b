import { expect } from 'chai';
import fc from 'fast-check';
import { type TokenCondition, searchTokens, tokenConditions } from '../../src/infrastructure/search/postgres/search-terms';

/** Whether an item of these lexemes meets the conditions. */
const meets = (lexemes: readonly string[], conditions: readonly TokenCondition[]) =>
  conditions.every(({ token, prefix }) => lexemes.some((lexeme) => (prefix ? lexeme.startsWith(token) : lexeme === token)));

/** What a search of these tokens asks: every token whole, the last one as the start of a lexeme. */
const searched = (lexemes: readonly string[], tokens: readonly string[]) =>
  meets(lexemes, tokens.map((token, i) => ({ token, prefix: i === tokens.length - 1 })));

describe('The conditions of a search\'s tokens', () => {
  it('read a word written with the Turkish İ as one token, lower-cased one letter for one', () => {
    expect(searchTokens(['İzmir', 'İSTANBUL', 'node.js'])).to.deep.equal(['izmir', 'istanbul', 'node', 'js']);
  });

  it('take a token typed again once, and the start of a word typed whole before it not at all', () => {
    expect(tokenConditions(['go', 'go', 'go', 'go'])).to.deep.equal([{ token: 'go', prefix: false }]);
    expect(tokenConditions(['python', 'pyth'])).to.deep.equal([{ token: 'python', prefix: false }]);
    expect(tokenConditions(['go', 'python', 'go'])).to.deep.equal([
      { token: 'go', prefix: false },
      { token: 'python', prefix: false },
    ]);
    expect(tokenConditions(['pyth', 'python'])).to.deep.equal([
      { token: 'pyth', prefix: false },
      { token: 'python', prefix: true },
    ]);
    expect(tokenConditions(['go'])).to.deep.equal([{ token: 'go', prefix: true }]);
    expect(tokenConditions([])).to.deep.equal([]);
  });

  it('match exactly the items the tokens match, whatever the tokens and the items\' lexemes', () => {
    const token = fc.stringMatching(/^[ab]{1,3}$/);
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), fc.array(token, { minLength: 1, maxLength: 5 }), (lexemes, tokens) => {
        expect(meets(lexemes, tokenConditions(tokens))).to.equal(searched(lexemes, tokens));
      }),
      { numRuns: 2_000 },
    );
  });
});
