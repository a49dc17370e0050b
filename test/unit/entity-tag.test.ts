import { expect } from 'chai';
import { entityTag, expectedVersions } from '../../src/interfaces/http/entity-tag';
import { VersionRequired } from '../../src/interfaces/http/request-errors';

const required = (ifMatch: string | undefined) => expectedVersions(ifMatch, { required: true });

describe('If-Match', () => {
  it('gives a version as a strong entity tag', () => {
    expect(entityTag(5)).to.equal('"5"');
  });

  it('accepts any version with * alone, or with no header where none is required', () => {
    expect(required('*')).to.equal('any');
    expect(required(' * ')).to.equal('any');
    expect(expectedVersions(undefined, { required: false })).to.equal('any');
    expect(expectedVersions('  ', { required: false })).to.equal('any');
  });

  it('requires a header where one is required, an empty one counting as none', () => {
    for (const ifMatch of [undefined, '', ' \t ']) expect(() => required(ifMatch), JSON.stringify(ifMatch)).to.throw(VersionRequired);
  });

  it('accepts the versions of the strong tags it lists, spaces and empty elements around commas allowed', () => {
    expect(required('"5"')).to.deep.equal([5]);
    expect(required('"1", "2"')).to.deep.equal([1, 2]);
    expect(required('"1","2" ,\t"3"')).to.deep.equal([1, 2, 3]);
    expect(required(', "4",, "6",')).to.deep.equal([4, 6]);
    expect(required('W/"1", "2"')).to.deep.equal([2]);
  });

  it('compares tags character by character with the ETag: other spellings of a number name no version', () => {
    for (const tag of ['"0005"', '"01"', '"+1"', '"1.0"', '"1e0"', '" 1"', '"1 "', '"0x1"', '""', '"-0"', '"99999999999999999999"']) {
      expect(required(tag), tag).to.deep.equal([]);
    }
  });

  it('never matches a weak tag', () => {
    expect(required('W/"1"')).to.deep.equal([]);
  });

  it('matches no version with a header that is not a list of entity tags, * among tags included', () => {
    for (const header of ['"1", *', '*, "1"', '*, *', '1', 'garbage', '"1" "2"', '"1', '1"', 'w/"1"', '"1"x', '"a"b"', '**']) {
      expect(required(header), header).to.deep.equal([]);
    }
  });

  it('reads a header of many commas and spaces that is no list at once (a backtracking pattern took seconds for fifty characters)', () => {
    expect(required(`,${' ,'.repeat(5_000)} !`)).to.deep.equal([]);
    expect(required(`${'"1" , '.repeat(2_000)}"2"`)).to.deep.equal([...Array.from({ length: 2_000 }, () => 1), 2]);
  });
});
