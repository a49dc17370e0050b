import type { Knex } from 'knex';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import type { SqlFilter } from './catalogue-sql';
import { hasSearchTerms } from './search-terms';

/**
 * The most lexemes a last word's prefix is replaced by: more, and the choice among them costs the
 * full-text index as much as the prefix does.
 */
const MOST_COMPLETIONS = 16;

/**
 * The lexemes a search's last word completes to in the catalogue (`search_vocabulary`, kept by
 * triggers, see its migration). Gathering the matches of several words through the full-text
 * index costs about five times less when the last one is a choice among whole lexemes than when
 * it is a prefix, which the index decodes posting by posting. A walk tests the words on its
 * index entries, where a prefix costs no more: only gatherings (collects, counts) look them up.
 */
export class SearchVocabulary {
  constructor(private readonly db: Knex) {}

  /** The filter with the completions of its last word, where there are at most a few. */
  async complete<F extends SqlFilter>(filter: F): Promise<F & SqlFilter> {
    const last = filter.words.filter((word) => hasSearchTerms([word])).at(-1);
    if (last === undefined) return filter;
    const { rows } = await this.db.raw('SELECT catalogue_search_completions(?, ?, ?) AS completions', [
      OFFERING_TABLES[filter.kind].items,
      last,
      MOST_COMPLETIONS,
    ]);
    const completions = (rows[0] as { completions: string[] | null }).completions;
    return completions ? { ...filter, completions } : filter;
  }
}
