import { expect } from 'chai';
import type { CatalogueQuery } from '../../src/application/ports/offering-catalogue';
import { Money } from '../../src/domain/money';
import { toOfferingDocument } from '../../src/infrastructure/search/meilisearch/offering-document';
import { opaqueQuery, opaqueText, opaqueWord } from '../../src/infrastructure/search/meilisearch/opaque-words';
import { positionValues, toMeilisearchCount, toMeilisearchSearch } from '../../src/infrastructure/search/meilisearch/meilisearch-query';

describe('Meilisearch query translation', () => {
  const now = new Date('2026-11-24T10:00:00.000Z');
  const query = (overrides: Partial<CatalogueQuery> = {}): CatalogueQuery => ({ kind: 'test', words: [], now, sort: 'created', limit: 20, ...overrides });

  it('requires every word, keeps only letters and digits, and asks one row more than the page', () => {
    const search = toMeilisearchSearch(query({ words: ['Python', '기초!', '"(x)'] }));
    expect(search).to.include({ q: opaqueQuery(['python', '기초', 'x']), matchingStrategy: 'all', limit: 21, offset: 0 });
  });

  it('sorts with id as the final tiebreaker, for every sort', () => {
    expect(toMeilisearchSearch(query()).sort).to.deep.equal(['created_at_ms:desc', 'id:desc']);
    expect(toMeilisearchSearch(query({ sort: 'popular' })).sort).to.deep.equal(['registration_count:desc', 'created_at_ms:desc', 'id:desc']);
    expect(toMeilisearchSearch(query({ sort: 'price_asc' })).sort).to.deep.equal(['price_minor:asc', 'id:asc']);
    expect(toMeilisearchSearch(query({ sort: 'price_desc' })).sort).to.deep.equal(['price_minor:desc', 'id:desc']);
    expect(toMeilisearchSearch(query({ sort: 'start_at' })).sort).to.deep.equal(['start_at_ms:asc', 'id:asc']);
  });

  it('turns status and price bounds into inclusive numeric filters', () => {
    const ms = now.getTime();
    expect(toMeilisearchSearch(query({ status: 'available' })).filter).to.deep.equal([`start_at_ms <= ${ms}`, `end_at_ms >= ${ms}`]);
    expect(toMeilisearchSearch(query({ status: 'upcoming' })).filter).to.deep.equal([`start_at_ms > ${ms}`]);
    expect(toMeilisearchSearch(query({ status: 'closed' })).filter).to.deep.equal([`end_at_ms < ${ms}`]);
    expect(toMeilisearchSearch(query({ priceMin: Money.parse('10000'), priceMax: Money.parse('20000.5') })).filter).to.deep.equal([
      'price_minor >= 1000000',
      'price_minor <= 2000050',
    ]);
  });

  it('counts the matches of the same words and filters in page mode, fetching none', () => {
    const count = toMeilisearchCount(query({ words: ['Django'], status: 'closed', priceMax: Money.parse('30000') }));
    expect(count).to.deep.equal({
      q: opaqueWord('django'),
      filter: [`end_at_ms < ${now.getTime()}`, 'price_minor <= 3000000'],
      hitsPerPage: 0,
      page: 1,
      matchingStrategy: 'all',
    });
  });

  it('passes page numbers as offsets', () => {
    expect(toMeilisearchSearch(query({ offset: 40 })).offset).to.equal(40);
  });

  it('spells a cursor out as a keyset filter in the sort direction, and reverses it to read back', () => {
    const after = { sort: 'popular' as const, values: ['3', '2026-11-01T00:00:00.123000Z'], id: 42, direction: 'next' as const };
    const created = Date.parse('2026-11-01T00:00:00.123Z');
    const next = toMeilisearchSearch(query({ sort: 'popular', after }));
    expect(next.filter).to.deep.equal([
      `(registration_count < 3) OR (registration_count = 3 AND created_at_ms < ${created}) OR (registration_count = 3 AND created_at_ms = ${created} AND id < 42)`,
    ]);
    const back = toMeilisearchSearch(query({ sort: 'popular', after: { ...after, direction: 'previous' } }));
    expect(back.sort).to.deep.equal(['registration_count:asc', 'created_at_ms:asc', 'id:asc']);
    expect(back.filter[0]).to.contain('registration_count > 3');
  });

  it('turns rows into documents with display values and numeric twins, and back into cursor values', () => {
    const document = toOfferingDocument({
      kind: 'course', id: 7, title: 'React 과정', description: '설명', price: '45000.50',
      startAt: new Date('2026-11-01T00:00:00.000Z'), endAt: new Date('2026-12-01T00:00:00.000Z'),
      createdAt: new Date('2026-10-01T12:00:00.250Z'), registrationCount: 3, words: ['react', '과정', '설명'],
    });
    expect(document.words).to.equal(opaqueText(['react', '과정', '설명']));
    expect(document).to.include({ id: 7, price: '45000.50', price_minor: 4_500_050, registration_count: 3, created_at: '2026-10-01T12:00:00.250Z' });
    expect(document.created_at_ms).to.equal(Date.parse('2026-10-01T12:00:00.250Z'));
    expect(positionValues({ sort: 'popular' }, document as unknown as Record<string, number>)).to.deep.equal(['3', '2026-10-01T12:00:00.250000Z']);
    expect(positionValues({ sort: 'price_asc' }, document as unknown as Record<string, number>)).to.deep.equal(['45000.50']);
  });
});
