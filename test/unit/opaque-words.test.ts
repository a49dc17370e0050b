import { expect } from 'chai';
import fc from 'fast-check';
import { WORD_END, opaqueQuery, opaqueText, opaqueWord } from '../../src/infrastructure/search/meilisearch/opaque-words';

/** Any text, astral characters included. */
const anyWord = fc.string({ unit: 'binary', maxLength: 12 });

/**
 * What Meilisearch does with a text and a query: words between spaces; every query word must
 * match, the last one a word's start; and, typos off or not, a run of two or three adjacent query
 * words may match as one joined word, and one query word as two adjacent words split from it.
 */
function meilisearchFinds(text: string, query: string): boolean {
  const words = text.split(' ');
  const terms = query.split(' ');
  const last = terms.length - 1;
  const matches = (term: string, prefix: boolean) => words.some((word) => (prefix ? word.startsWith(term) : word === term));
  const matchesSplit = (term: string, prefix: boolean) => {
    const characters = [...term];
    for (let at = 1; at < characters.length; at++) {
      const [left, right] = [characters.slice(0, at).join(''), characters.slice(at).join('')];
      for (let k = 0; k + 1 < words.length; k++) if (words[k] === left && (prefix ? words[k + 1].startsWith(right) : words[k + 1] === right)) return true;
    }
    return false;
  };
  const matchesFrom = (i: number): boolean => {
    if (i > last) return true;
    for (let n = 1; n <= 3 && i + n - 1 <= last; n++) {
      const term = terms.slice(i, i + n).join('');
      const prefix = i + n - 1 === last;
      if ((matches(term, prefix) || (n === 1 && matchesSplit(term, prefix))) && matchesFrom(i + n)) return true;
    }
    return false;
  };
  return matchesFrom(0);
}

/** The PostgreSQL engine's rule: every search word is one of the item's words, the last one a prefix. */
function postgresFinds(words: readonly string[], tokens: readonly string[]): boolean {
  return tokens.every((token, i) => (i === tokens.length - 1 ? words.some((w) => w.startsWith(token)) : words.includes(token)));
}

describe('Opaque words (PostgreSQL words as Meilisearch receives them)', () => {
  it('keeps ASCII letters and digits, and writes every other character in the private use areas, which have no script, case or separator', () => {
    fc.assert(
      fc.property(anyWord, (word) => {
        for (const character of opaqueText([word])) {
          if (/^[a-z0-9]$/.test(character)) continue;
          expect(character).to.match(/^\p{Co}$/u);
          expect(character).to.match(/^\p{Script=Unknown}$/u);
          expect(character.toLowerCase()).to.equal(character);
          expect(character.normalize('NFKD')).to.equal(character);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives two words two forms, and keeps a word that starts another a prefix of its form', () => {
    fc.assert(
      fc.property(anyWord, anyWord, (a, b) => {
        expect(opaqueWord(a) === opaqueWord(b)).to.equal(a === b);
        expect(opaqueWord(a).startsWith(opaqueWord(b))).to.equal(a.startsWith(b));
      }),
      { numRuns: 5_000 },
    );
    expect(opaqueWord('😀x').startsWith(opaqueWord('😀'))).to.equal(true);
    expect(opaqueWord('\uffff')).not.to.equal(opaqueWord('\ufffe'));
  });

  it('lets Meilisearch find exactly what PostgreSQL finds, joined and split search words included', () => {
    expect(meilisearchFinds('sunflower', 'sun flower'), 'the model joins words').to.equal(true);
    expect(meilisearchFinds('sun flower', 'sunflower'), 'the model splits words').to.equal(true);
    const word = fc.string({ unit: fc.constantFrom('자', '격', '시', 'a', 'b', '1', '𠀀', '.', '-'), minLength: 1, maxLength: 4 });
    const token = fc.string({ unit: fc.constantFrom('자', '격', '시', 'a', 'b', '1', '𠀀'), minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.array(token, { minLength: 1, maxLength: 4 }), (words, tokens) => {
        expect(meilisearchFinds(opaqueText(words), opaqueQuery(tokens)), `${words.join(' ')} / ${tokens.join(' ')}`).to.equal(postgresFinds(words, tokens));
      }),
      { numRuns: 10_000 },
    );
  });

  it('keeps a Korean compound one word: found as typed from its start, never by an inner morpheme', () => {
    const text = opaqueText(['kr1', '자격시험', '대비', '개발자의']);
    for (const typed of ['자', '자격', '자격시', '자격시험', '개발자', '개발자의']) expect(meilisearchFinds(text, opaqueQuery(['kr1', typed])), typed).to.equal(true);
    for (const inner of ['시험', '격시', '의']) expect(meilisearchFinds(text, opaqueQuery(['kr1', inner])), inner).to.equal(false);
    expect(meilisearchFinds(text, opaqueQuery(['자격', 'kr1'])), 'a word before the last is whole').to.equal(false);
    expect(meilisearchFinds(text, opaqueQuery(['자격시험', 'kr1']))).to.equal(true);
  });

  it('splits a search into words as the PostgreSQL engine does, so no operator reaches Meilisearch', () => {
    expect(opaqueQuery(['"Python', '-기초!'])).to.equal(`${opaqueWord('python')}${WORD_END} ${opaqueWord('기초')}`);
    expect(opaqueQuery(['"', '-'])).to.equal('');
  });
});
