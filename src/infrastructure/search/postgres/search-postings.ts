import type { Knex } from 'knex';
import type { CatalogueFilter } from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { runPrepared } from '../../knex/prepared-statement';
import { searchTerms, searchTokens } from './search-terms';
import { SharedPerInstant } from './shared-per-instant';

/** The listed words whose postings hold every match of a search, and how many postings they have. */
export interface Posted {
  readonly lexemes: readonly string[];
  readonly postings: number;
}

/** How long the list of words with postings is reused before it is read again. */
const LISTED_WORDS_MS = 5 * 60 * 1000;

/** The most lexemes a last word may complete to for its postings to be read (as `SearchVocabulary`). */
const MOST_COMPLETIONS = 16;

/**
 * Which of a search's words have their postings kept (`search_postings`, see its migration), so
 * that a page or a count reads them in one index rather than a table page per match.
 *
 * The words listed are read every few minutes; a word listed since is missed until then, which
 * only costs speed, as a word once listed stays listed with all its postings. A search none of
 * whose tokens is listed (nor, for the last, the start of a listed word) is not asked about: the
 * tokens only decide whether to ask, and PostgreSQL, which parses the words as the query does,
 * answers which lexemes hold every match.
 */
export class SearchPostings {
  private readonly listed = new Map<OfferingKind, { readonly words: Promise<readonly string[]>; readonly until: number }>();
  private readonly recent = new SharedPerInstant<Posted | null>();

  constructor(private readonly db: Knex) {}

  /** The postings that hold every match of the filter's words; null where there are none. */
  async of(filter: CatalogueFilter): Promise<Posted | null> {
    const terms = searchTerms(filter.words);
    const tokens = searchTokens(filter.words);
    if (tokens.length === 0 || !mayBeListed(tokens, await this.listedWords(filter.kind))) return null;
    return this.recent.get(`${filter.kind}:${filter.now.getTime()}:${JSON.stringify(terms)}`, () => this.ask(filter.kind, terms));
  }

  private async ask(kind: OfferingKind, terms: readonly string[]): Promise<Posted | null> {
    const rows = await runPrepared<{ lexemes: string[] | null; postings: string | null }>(
      this.db,
      this.db.raw(`SELECT lexemes, postings FROM catalogue_search_posted(?, ARRAY[${terms.map(() => '?').join(', ')}]::text[], ?)`, [OFFERING_TABLES[kind].items, ...terms, MOST_COMPLETIONS]),
    );
    const [row] = rows;
    return row?.lexemes ? { lexemes: row.lexemes, postings: Number(row.postings) } : null;
  }

  private listedWords(kind: OfferingKind): Promise<readonly string[]> {
    const known = this.listed.get(kind);
    if (known && known.until > Date.now()) return known.words;
    const words = this.readListedWords(kind).catch(() => []);
    this.listed.set(kind, { words, until: Date.now() + LISTED_WORDS_MS });
    return words;
  }

  private async readListedWords(kind: OfferingKind): Promise<readonly string[]> {
    const rows = await runPrepared<{ lexeme: string }>(this.db, this.db('search_posting_words').select('lexeme').where({ catalogue: OFFERING_TABLES[kind].items }));
    return rows.map((row) => row.lexeme);
  }
}

/** Whether a token before the last is a listed word, or the last the start of one. */
function mayBeListed(tokens: readonly string[], listed: readonly string[]): boolean {
  if (listed.length === 0) return false;
  const last = tokens[tokens.length - 1];
  return tokens.slice(0, -1).some((token) => listed.includes(token)) || listed.some((word) => word.startsWith(last));
}
