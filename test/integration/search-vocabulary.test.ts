import { expect } from 'chai';
import type { Knex } from 'knex';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../src/application/ports/offering-catalogue';
import { ALL_OFFERING_KINDS, OFFERING_KINDS } from '../../src/domain/offering-kind';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { filteredOfferings } from '../../src/infrastructure/search/postgres/catalogue-sql';
import { SearchSelectivity } from '../../src/infrastructure/search/postgres/search-selectivity';
import { SearchVocabulary } from '../../src/infrastructure/search/postgres/search-vocabulary';
import * as searchPairsMigration from '../../migrations/20261208000000_search_pairs';
import * as plpgsqlQueryMigration from '../../migrations/20261220000000_search_query_functions_plpgsql';
import { createOffering } from '../support/offerings';
import { whileTableLocked } from '../support/table-lock';
import { type TestServer, sharedServer, withTestServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';

describe('Search vocabulary: the lexemes a last search word completes to', () => {
  let server: TestServer;
  let db: Knex;
  let vocabulary: SearchVocabulary;
  const now = new Date();
  const completionsOf = async (word: string, kind: 'test' | 'course' = 'test') =>
    (await vocabulary.lookUp({ kind, words: ['Python', word], now })).completions ?? null;

  before(async () => {
    server = await sharedServer();
    db = server.db;
    vocabulary = new SearchVocabulary(db, new SearchSelectivity(db));
  });

  it('holds every lexeme of every item with a character other than a digit, for items added one by one, in batches, and renamed', async () => {
    const word = uniqueName('vocab');
    for (const kind of ALL_OFFERING_KINDS) {
      const table = OFFERING_TABLES[kind].items;
      const id = await createOffering(db, kind, { title: `${word}one 입문${word} 2031`, description: `v2.0 node.js ${word}-x` });
      await db(table).insert([1, 2, 3].map((n) => ({ title: `${word}batch${n} 실전`, description: '', price: '1000.00', start_at: now, end_at: new Date(now.getTime() + 1000) })));
      await db(table).where({ id }).update({ title: `${word}renamed Δοκιμή ΣΟΦΟΣ` });
      // Registrations change a row without changing its words.
      await db(table).where({ id }).increment('registration_count', 1);
      const missing = await db.raw(
        `SELECT lexeme FROM ??, unnest(tsvector_to_array(search_vector)) AS lexeme WHERE lexeme ~ '[^0-9]'
         EXCEPT SELECT lexeme FROM search_vocabulary WHERE catalogue = ?`,
        [table, table],
      );
      expect(missing.rows, table).to.deep.equal([]);
    }
    expect(await completionsOf(`${word}batch`)).to.deep.equal([1, 2, 3].map((n) => `${word}batch${n}`));
    expect(await completionsOf(`${word}re`, 'course')).to.deep.equal([`${word}renamed`]);
    // What an item was called before it was renamed stays: a completion that matches nothing costs nothing.
    expect(await completionsOf(`${word}on`)).to.deep.equal([`${word}one`]);
  });

  it('learns nothing from a write that is rolled back', async () => {
    const word = uniqueName('rolled');
    await db
      .transaction(async (trx) => {
        await createOffering(trx, 'test', { title: `${word}back` });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await completionsOf(word)).to.equal(null);
  });

  it('completes a word to at most sixteen lexemes, and leaves prefixes of digits alone, words read as several lexemes and unknown words as they are', async () => {
    const word = uniqueName('many');
    const suffixes = 'abcdefghijklmnopq'.split('');
    await db('tests').insert(suffixes.map((suffix, i) => ({ title: `${word}${i < 16 ? 'x' : 'y'}${suffix} 7${word.length}${i}`, description: '', price: '1000.00', start_at: now, end_at: new Date(now.getTime() + 1000) })));
    expect(await completionsOf(`${word}x`)).to.have.length(16);
    expect(await completionsOf(word)).to.equal(null);
    expect(await completionsOf('7')).to.equal(null);
    expect(await completionsOf(`${word}x-${word}y`)).to.equal(null);
    expect(await completionsOf(uniqueName('unknown'))).to.equal(null);
  });

  it('completes the last word that has a letter or a digit, and the search finds through the completions what its prefix finds', async () => {
    const word = uniqueName('last');
    const id = await createOffering(db, 'test', { title: `${word}word 입문` });
    const completed = await vocabulary.lookUp({ kind: 'test', words: ['입문', word.toUpperCase(), '!!'], now });
    expect(completed.completions).to.deep.equal([`${word}word`]);
    const found = async (filter: typeof completed) => (await filteredOfferings(db, filter).select('id')).map((row: { id: number }) => row.id);
    expect(await found(completed)).to.deep.equal([id]);
    expect(await found({ ...completed, completions: undefined })).to.deep.equal([id]);
  });

  it('rules out a search with a word that no item of the catalogue holds, whole before the last word or as the start of the last one, and no other', async () => {
    const word = uniqueName('held');
    await createOffering(db, 'test', { title: `${word}one ${word}x-${word}y ΣΟΦΟΣ`, description: 'v2.0 2031' });
    const ruledOut = async (words: string[], kind: 'test' | 'course' = 'test') => (await vocabulary.lookUp({ kind, words, now })).unmatchable === true;
    // Held: whole words, the start of the last one, words of several lexemes, any letter case, a final sigma.
    expect(await ruledOut([`${word}one`, `${word}x`])).to.equal(false);
    expect(await ruledOut([`${word}x-${word}y`, `${word}ONE`, '!!'])).to.equal(false);
    expect(await ruledOut(['σοφος', `${word}o`])).to.equal(false);
    // Numbers are not in the vocabulary, so they rule nothing out.
    expect(await ruledOut([`${word}one`, '2031'])).to.equal(false);
    expect(await ruledOut(['77777777', `${word}one`])).to.equal(false);
    // A word before the last must be whole; the last must start a word; each catalogue has its own words.
    expect(await ruledOut([`${word}on`, `${word}one`])).to.equal(true);
    expect(await ruledOut([`${word}one`, `${word}z`])).to.equal(true);
    expect(await ruledOut([`${word}one`], 'course')).to.equal(true);
    // Whatever it rules out, the search finds nothing.
    for (const words of [[`${word}on`, `${word}one`], [`${word}one`, `${word}z`]]) {
      expect(await filteredOfferings(db, { kind: 'test', words, now }).select('id')).to.deep.equal([]);
    }
  });

  it('rules out a search with two words that no item holds together, whole before the last word or with the start of the last one, and no other', async () => {
    const [left, right, shared, later] = ['left', 'right', 'shared', 'later'].map((part) => uniqueName(part));
    const first = await createOffering(db, 'test', { title: `${left}one ${shared}`, description: 'v2.0 2031' });
    await createOffering(db, 'test', { title: `${right}one ${shared}` });
    const ruledOut = async (words: string[], kind: 'test' | 'course' = 'test') => (await vocabulary.lookUp({ kind, words, now })).unmatchable === true;
    // Held together: in either order, with the start of the last word, with numbers (never ruled out).
    expect(await ruledOut([`${left}one`, shared])).to.equal(false);
    expect(await ruledOut([shared, `${right}one`])).to.equal(false);
    expect(await ruledOut([`${shared}`, `${left}o`])).to.equal(false);
    expect(await ruledOut([`${left}one`, '2031', shared])).to.equal(false);
    // A word repeated, or a last word that the whole one starts with, needs no other word.
    expect(await ruledOut([`${left}one`, `${left}one`])).to.equal(false);
    expect(await ruledOut([`${left}one`, `${left}`])).to.equal(false);
    // Never held together: two whole words, or a whole one and the start of the last one.
    expect(await ruledOut([`${left}one`, `${right}one`])).to.equal(true);
    expect(await ruledOut([`${right}one`, shared, `${left}on`])).to.equal(true);
    expect(await ruledOut([`${left}one`, `${right}`])).to.equal(true);
    for (const words of [[`${left}one`, `${right}one`], [`${left}one`, `${right}`]]) {
      expect(await filteredOfferings(db, { kind: 'test', words, now }).select('id')).to.deep.equal([]);
    }
    // An item renamed to hold both, or one added with both in a batch, makes them possible together.
    await db('tests').where({ id: first }).update({ title: `${left}one ${right}one` });
    expect(await ruledOut([`${left}one`, `${right}one`])).to.equal(false);
    await db('tests').insert([{ title: `${later}one`, description: `${left}one`, price: '1000.00', start_at: now, end_at: new Date(now.getTime() + 1000) }, { title: `${later}two`, description: '', price: '1000.00', start_at: now, end_at: new Date(now.getTime() + 1000) }]);
    expect(await ruledOut([`${later}one`, `${left}one`])).to.equal(false);
    expect(await ruledOut([`${later}two`, `${left}one`])).to.equal(true);
  });

  it('pairs the words of an item of many words with any other instead of with each other, and rules out none of its pairs', async () => {
    const wide = uniqueName('wide');
    const id = await createOffering(db, 'test', { title: `${wide}title`, description: Array.from({ length: 40 }, (_, i) => `${wide}w${i}`).join(' ') });
    const { rows } = await db.raw(`SELECT count(*)::int AS n, count(*) FILTER (WHERE other = '')::int AS "withAny" FROM search_pairs WHERE catalogue = 'tests' AND starts_with(lexeme, ?)`, [wide]);
    expect(rows[0], 'one row a word, not one for each other word').to.deep.equal({ n: 41, withAny: 41 });
    for (const words of [[`${wide}w1`, `${wide}w2`], [`${wide}w39`, `${wide}w0`, `${wide}ti`]]) {
      expect((await vocabulary.lookUp({ kind: 'test', words, now })).unmatchable, words.join(' ')).to.equal(undefined);
      expect(await filteredOfferings(db, { kind: 'test', words, now }).pluck('id')).to.deep.equal([id]);
    }
  });

  it('writes an item of long words, pairs them by their start, and rules out none of the searches that find it', async () => {
    const short = uniqueName('short');
    const long = (letter: string, length: number) => `${short}${letter.repeat(length)}`;
    // Two words of nearly 2,000 bytes each, one of them Korean (three bytes a character).
    const [latin, korean] = [long('x', 1_900), long('가', 620)];
    for (const kind of ALL_OFFERING_KINDS) {
      const id = await createOffering(db, kind, { title: `${short}title`, description: `${latin} ${korean}` });
      await createOffering(db, kind, { title: `${short}other` });
      const { rows } = await db.raw(`SELECT max(char_length(lexeme))::int AS lexeme, max(char_length(other))::int AS other FROM search_pairs WHERE catalogue = ? AND starts_with(lexeme, ?)`, [OFFERING_TABLES[kind].items, short]);
      expect(rows[0]).to.deep.equal({ lexeme: searchPairsMigration.PAIRED_CHARACTERS, other: searchPairsMigration.PAIRED_CHARACTERS });
      for (const words of [[latin, korean], [`${short}title`, latin], [korean, `${short}title`], [`${short}title`, latin.slice(0, 200)], [latin, korean.slice(0, 300)]]) {
        expect((await vocabulary.lookUp({ kind, words, now })).unmatchable, `${kind}: ${words.map((word) => word.length).join(', ')}`).to.equal(undefined);
        expect(await filteredOfferings(db, { kind, words, now }).pluck('id')).to.deep.equal([id]);
      }
      expect((await vocabulary.lookUp({ kind, words: [`${short}title`, `${short}other`], now })).unmatchable).to.equal(true);
    }
  });

  it('pairs the words of the items already there when the pairs are added to a catalogue', async () => {
    const word = uniqueName('before');
    await createOffering(db, 'course', { title: `${word}one 입문`, description: `${word}two v2.0 2031` });
    await createOffering(db, 'course', { title: `${word}wide`, description: Array.from({ length: 40 }, (_, i) => `${word}w${i}`).join(' ') });
    await db.transaction(async (trx) => {
      await searchPairsMigration.down(trx);
      await searchPairsMigration.up(trx);
    });
    for (const kind of ALL_OFFERING_KINDS) {
      const table = OFFERING_TABLES[kind].items;
      // Every two words of an item of at most 32, and every word of a larger one with any other.
      const { rows: missing } = await db.raw(
        `WITH items AS (SELECT array(SELECT left(l, ${searchPairsMigration.PAIRED_CHARACTERS}) FROM unnest(tsvector_to_array(search_vector)) AS l WHERE l ~ '[^0-9]') AS lexemes FROM ??)
         SELECT DISTINCT a.lexeme, CASE WHEN cardinality(lexemes) > 32 THEN '' ELSE b.lexeme END AS other
         FROM items, unnest(lexemes) AS a(lexeme), unnest(lexemes) AS b(lexeme) WHERE a.lexeme <> b.lexeme
         EXCEPT SELECT lexeme, other FROM search_pairs WHERE catalogue = ?`,
        [table, table],
      );
      expect(missing, table).to.deep.equal([]);
    }
    expect((await vocabulary.lookUp({ kind: 'course', words: [`${word}one`, `${word}two`], now })).unmatchable).to.equal(undefined);
    expect((await vocabulary.lookUp({ kind: 'course', words: [`${word}one`, `${word}w1`], now })).unmatchable).to.equal(true);
  });

  it('answers a search that the vocabulary rules out with an empty page and an exact count of none', async () => {
    const user = await createUser(server.api);
    const catalogue = server.running.app.container.get<OfferingCatalogue>(OFFERING_CATALOGUE);
    for (const kind of ALL_OFFERING_KINDS) {
      const words = ['입문', uniqueName('nowhere')];
      const res = await server.api.get(`/api/${OFFERING_KINDS[kind].plural}/?search=${encodeURIComponent(words.join(' '))}&status=available`, { token: user.access });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ count: 0, count_is_estimate: false, results: [], next: null });
      // The count on its own, as a page read by cursor or past the result window asks for it.
      expect(await catalogue.count({ kind, words, now, status: 'available' })).to.deep.equal({ value: 0, estimated: false });
    }
  });

  it('reads no item for such a search: it is answered while the items cannot be read', () =>
    withTestServer({ DB_STATEMENT_TIMEOUT: '300ms' }, async (other) => {
      const user = await createUser(other.api);
      const held = uniqueName('held');
      await createOffering(other.db, 'course', { title: `${held} 입문` });
      await whileTableLocked(other.config.databaseUrl, 'courses', async () => {
        const ruledOut = await other.api.get(`/api/courses/?search=${encodeURIComponent(`${held} ${uniqueName('nowhere')}`)}`, { token: user.access });
        expect(ruledOut.status).to.equal(200);
        expect(ruledOut.body).to.deep.include({ count: 0, count_is_estimate: false, results: [] });
        // A search that items may match must read them, and runs into the lock.
        expect((await other.api.get(`/api/courses/?search=${held}`, { token: user.access })).status).to.equal(503);
      });
    }));

  it('never lets a completion change what the query finds beyond the word it completes', async () => {
    const queryOf = async (words: string[], completions: string[]) =>
      (await db.raw('SELECT catalogue_search_query(?::text[], ?::text[])::text AS query', [words, completions])).rows[0].query as string;
    // Completions that do not start with the last word, or a last word read as two lexemes, leave the prefix.
    expect(await queryOf(['python', 'ja'], ['ruby'])).to.equal(`'python' & 'ja':*`);
    expect(await queryOf(['python', "it's"], ['its'])).to.equal(`'python' & 'it':* & 's':*`);
    // Quotes and backslashes in a completion are quoted, never read as operators.
    expect(await queryOf(['python', "o'"], ["o'brien", 'o\\x', 'o | !python'])).to.equal(`'python' & ( 'o | !python' | 'o''brien' | 'o\\\\x' )`);
  });
});

describe('A Greek word with a sigma, as a search looks for it', () => {
  it('is looked for with its final sigma in both forms, whatever the collation of the text (under C, no Greek letter is alphabetic)', async () => {
    const { db } = await sharedServer();
    const term = async (lexeme: string, collation: string) =>
      (await db.raw(`SELECT catalogue_search_term(? COLLATE "${collation}", false) AS term`, [lexeme])).rows[0].term as string;
    for (const collation of ['C', 'default']) {
      expect(await term('προγραμματισμός', collation), collation).to.equal(`('προγραμματισμός' | 'προγραμματισμόσ')`);
      expect(await term('οδοσ', collation), collation).to.equal(`('οδος' | 'οδοσ')`);
      expect(await term('δρόμοσ-βάσεων', collation), collation).to.equal(`('δρόμος-βάσεων' | 'δρόμοσ-βάσεων')`);
      expect(await term('σχολή', collation), collation).to.equal(`'σχολή'`);
      expect(await term('python', collation), collation).to.equal(`'python'`);
      // Before a digit or a Latin letter, as some texts are written.
      expect(await term('οδοσ1', collation), collation).to.equal(`('οδος1' | 'οδοσ1')`);
      expect(await term('λόγοσabc', collation), collation).to.equal(`('λόγοςabc' | 'λόγοσabc')`);
    }
  });

  it('is found as it was written, before a digit or a Latin letter, typed in lower case or in capitals', async () => {
    const { db } = await sharedServer();
    const now = new Date();
    const [digit, latin] = [uniqueName('sigmadigit'), uniqueName('sigmalatin')];
    const first = await createOffering(db, 'test', { title: `οδος1 ${digit}` });
    const second = await createOffering(db, 'test', { title: `λόγοςabc ${latin}` });
    const found = async (words: string[]) => (await filteredOfferings(db, { kind: 'test', words, now }).select('id')).map((row: { id: number }) => row.id);
    for (const words of [['οδος1', digit], ['ΟΔΟΣ1', digit], [digit, 'οδος1']]) expect(await found(words), words.join(' ')).to.deep.equal([first]);
    for (const words of [['λόγοςabc', latin], ['ΛΌΓΟΣABC', latin], [latin, 'λόγοςab']]) expect(await found(words), words.join(' ')).to.deep.equal([second]);
  });
});

describe('A search whose last word makes no lexeme', () => {
  it('keeps the prefix of the last word that makes one: another word can only narrow a search', async () => {
    const { db } = await sharedServer();
    const now = new Date();
    const word = uniqueName('prefixkept');
    const id = await createOffering(db, 'test', { title: `${word}long 입문` });
    const found = async (words: string[]) => (await filteredOfferings(db, { kind: 'test', words, now }).select('id')).map((row: { id: number }) => row.id);
    expect(await found([word])).to.deep.equal([id]);
    for (const symbol of ['½', '①', '²', '&amp;', '<b>']) expect(await found([word, symbol]), symbol).to.deep.equal([id]);
    const server = await sharedServer();
    const user = await createUser(server.api);
    const listed = await server.api.get(`/api/tests/?search=${encodeURIComponent(`${word} ½`)}`, { token: user.access });
    expect(listed.body.results.map((item: { id: number }) => item.id), 'over HTTP').to.deep.equal([id]);
  });

  it('is not ruled out, nor completed, by the vocabulary, which keeps each item’s own form', async () => {
    const { db } = await sharedServer();
    const vocabulary = new SearchVocabulary(db, new SearchSelectivity(db));
    const filter = { kind: 'test' as const, words: ['zzzunknownword', 'δρόμος'], now: new Date() };
    expect(await vocabulary.lookUp(filter)).to.deep.equal(filter);
  });
});

describe('The query functions of a search', () => {
  /** Words as users type them: common and rare, Korean, unfinished, Greek with a sigma, symbols, markup, quotes, backslashes. */
  const WORDS = ['Python', 'Pyth', '입문', '기초', 'δρόμος', 'ΔΡΟΜΟΣ', 'οδος1', 'λόγοςabc', "it's", "o'", 'a\\b', 'node.js', 'C++', '½', '&amp;', '<b>', 'v2.0', 'İzmir', '', '--'];

  it('make the same queries in PL/pgSQL, planned once per connection, as the SQL functions they replaced', async () => {
    const { db } = await sharedServer();
    const inputs = WORDS.flatMap((first) => WORDS.map((last) => [first, last]));
    const queriesOf = async (trx: Knex.Transaction) => {
      const made: string[] = [];
      for (const words of [[], ...WORDS.map((word) => [word]), ...inputs]) {
        const last = words.at(-1) ?? '';
        const completions = [last.toLowerCase(), `${last.toLowerCase()}x`, "o'brien", 'zzz'];
        const { rows } = await trx.raw(
          'SELECT catalogue_search_query(?::text[])::text AS prefix, catalogue_search_query(?::text[], ?::text[])::text AS completed, catalogue_search_term(lower(?), true) AS term',
          [words, words, completions, last],
        );
        made.push(JSON.stringify([words, rows[0]]));
      }
      return made;
    };
    const languages = async (trx: Knex.Transaction) =>
      (await trx.raw(`SELECT DISTINCT l.lanname AS language FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname IN ('catalogue_search_query', 'catalogue_search_term')`)).rows.map((row: { language: string }) => row.language);
    const trx = await db.transaction();
    try {
      expect(await languages(trx)).to.deep.equal(['plpgsql']);
      const inPlpgsql = await queriesOf(trx);
      await plpgsqlQueryMigration.down(trx);
      expect(await languages(trx)).to.deep.equal(['sql']);
      expect(inPlpgsql).to.deep.equal(await queriesOf(trx));
    } finally {
      await trx.rollback();
    }
  });
});
