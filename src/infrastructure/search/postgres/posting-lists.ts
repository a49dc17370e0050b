import type { Knex } from 'knex';
import type { OfferingKind } from '../../../domain/offering-kind';
import { OFFERING_TABLES } from '../../knex/offering-tables';

/**
 * Which words get their postings kept, by how many items hold them (as the last ANALYZE of the
 * items estimated). Fewer than `least`, and collecting the matches reads few table pages; more
 * than `most`, and reading the postings costs more than a walk of a sort's index, where a match
 * comes every few hundred entries (see `CatalogueReadPlanner`); more than `mostShare` of the
 * items, and a walk meets a match every hundred entries or sooner, while every write of an item
 * would rewrite postings of its common words.
 */
export interface PostedWordBounds {
  readonly least: number;
  readonly most: number;
  readonly mostShare: number;
}

export const POSTED_WORD_BOUNDS: PostedWordBounds = { least: 500, most: 50_000, mostShare: 0.01 };

/**
 * The most bytes of an item's lexemes a posting carries beside the word and the rest, as the
 * items' trigger keeps them (see the migration of `search_postings`): more, and the index entry
 * would pass PostgreSQL's limit.
 */
const POSTED_LEXEMES_MAX_BYTES = 2_400;

/** The longest word whose postings are kept, in bytes: an index entry holds it beside the item's lexemes. */
const LONGEST_POSTED_WORD = 200;

/** What listing a catalogue's words did. */
export interface ListedWords {
  readonly words: number;
  readonly postings: number;
}

/**
 * Lists the words of a catalogue whose postings are kept (`search_postings`, see its migration)
 * and writes their postings: the words the statistics of the items' search vectors count within
 * the bounds that are not listed yet. Listed words stay listed (see the migration), so running it
 * again only adds the words that came within the bounds since.
 *
 * The words and their postings are written in one transaction that holds off the table's
 * writers (a SHARE lock) while it reads the postings through the full-text index, so that no item
 * written meanwhile is missed: about a second at five million items, one statement per word.
 */
export class PostingLists {
  constructor(private readonly db: Knex) {}

  async listWords(kind: OfferingKind, bounds: PostedWordBounds = POSTED_WORD_BOUNDS): Promise<ListedWords> {
    const table = OFFERING_TABLES[kind].items;
    const candidates = await this.wordsWithin(table, bounds);
    if (candidates.length === 0) return { words: 0, postings: 0 };
    const listed = await this.db.transaction(async (trx) => {
      await trx.raw(`LOCK TABLE ${table} IN SHARE MODE`);
      const { rows: words } = await trx.raw<{ rows: Array<{ lexeme: string }> }>(
        `INSERT INTO search_posting_words (catalogue, lexeme, postings)
         SELECT ?, lexeme, postings FROM unnest(?::text[], ?::bigint[]) AS w(lexeme, postings)
         ON CONFLICT DO NOTHING
         RETURNING lexeme`,
        [table, candidates.map((word) => word.lexeme), candidates.map((word) => word.postings)],
      );
      if (words.length === 0) return { words: 0, postings: 0 };
      // Each word's items through the full-text index, one statement a word: each reads at most
      // the bounds' most items, well within a statement timeout.
      let postings = 0;
      for (const { lexeme } of words) {
        const { rowCount } = await trx.raw(
          `INSERT INTO search_postings (catalogue, lexeme, item_id, price, start_at, end_at, created_at, registration_count, search_lexemes)
           SELECT ?, w.lexeme, i.id, i.price, i.start_at, i.end_at, i.created_at, i.registration_count,
                  CASE WHEN pg_column_size(i.search_lexemes) + octet_length(w.lexeme) <= ${POSTED_LEXEMES_MAX_BYTES} THEN i.search_lexemes END
           FROM (SELECT ?::text AS lexeme) AS w, ${table} i
           WHERE i.search_vector @@ ('''' || replace(replace(w.lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery`,
          [table, lexeme],
        );
        postings += rowCount ?? 0;
      }
      return { words: words.length, postings };
    });
    // The visibility map, so that pages read the postings' index alone.
    if (listed.words > 0) await this.db.raw('VACUUM (ANALYZE) search_postings');
    return listed;
  }

  /** The words not listed yet that the statistics count within the bounds, with their estimated postings. */
  private async wordsWithin(table: string, bounds: PostedWordBounds): Promise<Array<{ lexeme: string; postings: string }>> {
    const { rows } = await this.db.raw(
      `SELECT e.lexeme, round(e.frequency * c.reltuples)::bigint AS postings
       FROM pg_stats s
       JOIN pg_class c ON c.oid = ?::regclass,
       unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, frequency)
       WHERE s.schemaname = current_schema() AND s.tablename = ? AND s.attname = 'search_vector'
         AND e.lexeme ~ '[^0-9]' AND e.lexeme !~ '[σς]' AND octet_length(e.lexeme) <= ${LONGEST_POSTED_WORD}
         AND e.frequency * c.reltuples BETWEEN ? AND ? AND e.frequency <= ?
         AND NOT EXISTS (SELECT 1 FROM search_posting_words w WHERE w.catalogue = s.tablename AND w.lexeme = e.lexeme)`,
      [table, table, bounds.least, bounds.most, bounds.mostShare],
    );
    return rows;
  }
}
