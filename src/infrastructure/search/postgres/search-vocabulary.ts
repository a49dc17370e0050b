import type { Knex } from 'knex';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { runPrepared } from '../../knex/prepared-statement';
import type { SqlFilter } from './catalogue-sql';
import type { SearchSelectivity } from './search-selectivity';
import { searchTerms, searchTokens } from './search-terms';
import { SharedPerInstant } from './shared-per-instant';

/** What the vocabulary told of a search's words. */
type VocabularyAnswer = Pick<SqlFilter, 'completions' | 'unmatchable'>;

/**
 * The most lexemes a last word's prefix is replaced by: more, and the choice among them costs the
 * full-text index as much as the prefix does.
 */
const MOST_COMPLETIONS = 16;

/**
 * What the catalogue's vocabulary (`search_vocabulary`, kept by triggers, see its migrations)
 * tells of a search before any item is read:
 * - whether any item can match it at all: a word no item holds, or two words no item holds
 *   together (`search_pairs`), match nothing, and no plan then needs to look for them (a walk
 *   would spend its whole budget, a gathering would read the words' postings);
 * - the lexemes its last word completes to. Gathering the matches of several words through the
 *   full-text index costs about five times less when the last one is a choice among whole
 *   lexemes than when it is a prefix, which the index decodes posting by posting. A walk tests
 *   the words on its index entries, where a prefix costs no more: only gatherings (collects,
 *   counts) use the completions.
 */
export class SearchVocabulary {
  private readonly recent = new SharedPerInstant<VocabularyAnswer | null>();

  constructor(
    private readonly db: Knex,
    private readonly selectivity: SearchSelectivity,
  ) {}

  /**
   * `lookUp`, where it may rule the search out: the lexeme statistics list only words items held,
   * so a search of one listed word is not looked up before it is read (null), and one with a rare
   * or unknown word is. A search of several listed words is asked only whether items hold them
   * together (null where they may, the filter `unmatchable` where none does): its matches are
   * seldom gathered, so its completions are looked up where they are. Asked once per instant
   * (see `SharedPerInstant`): a list and the count after it ask together.
   */
  async lookUpWhereItMayRuleOut<F extends SqlFilter>(filter: F): Promise<(F & SqlFilter) | null> {
    const terms = searchTerms(filter.words);
    if (terms.length === 0 || !canJudge(terms)) return null;
    const answer = await this.recent.get(`${filter.kind}:${filter.now.getTime()}:${JSON.stringify(terms)}`, () => this.answerWhereItMayRuleOut(filter, terms));
    return answer && { ...filter, ...answer };
  }

  private async answerWhereItMayRuleOut(filter: SqlFilter, terms: readonly string[]): Promise<VocabularyAnswer | null> {
    if (!(await this.selectivity.listsEvery(filter.kind, searchTokens(filter.words)))) {
      const { completions, unmatchable } = await this.lookUp(filter);
      return { ...(completions ? { completions } : {}), ...(unmatchable ? { unmatchable } : {}) };
    }
    if (terms.length < 2) return null;
    const rows = await runPrepared<{ possible: boolean }>(this.db, this.db.raw(`SELECT catalogue_search_possible(?, ${textArray(terms)}) AS possible`, [OFFERING_TABLES[filter.kind].items, ...terms]));
    return rows[0].possible ? null : { unmatchable: true };
  }

  /**
   * The filter with the completions of its last word, where there are at most a few, and
   * `unmatchable` where the vocabulary rules out every item (one lookup, whatever the words).
   */
  async lookUp<F extends SqlFilter>(filter: F): Promise<F & SqlFilter> {
    const terms = searchTerms(filter.words);
    if (terms.length === 0 || !canJudge(terms)) return filter;
    const table = OFFERING_TABLES[filter.kind].items;
    const rows = await runPrepared<{ completions: string[] | null; possible: boolean }>(
      this.db,
      this.db.raw(`SELECT catalogue_search_completions(?, ?, ?) AS completions, catalogue_search_possible(?, ${textArray(terms)}) AS possible`, [
        table,
        terms.at(-1)!,
        MOST_COMPLETIONS,
        table,
        ...terms,
      ]),
    );
    const { completions, possible } = rows[0];
    return { ...filter, ...(completions ? { completions } : {}), ...(possible ? {} : { unmatchable: true }) };
  }
}

/** A text array parameter of `values`' length, for `db.raw`. */
const textArray = (values: readonly string[]): string => `ARRAY[${values.map(() => '?').join(', ')}]::text[]`;

/**
 * Whether the vocabulary can tell of the words: not of a Greek word with a sigma, whose final
 * one the vocabulary keeps as each item wrote it (`ς` or, from capitals, `σ`), where the search
 * looks for both (`catalogue_search_term`, a migration).
 */
const canJudge = (terms: readonly string[]): boolean => !terms.some((term) => /[σςΣ]/u.test(term));
