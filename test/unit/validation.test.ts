import { expect } from 'chai';
import Joi from 'joi';
import { ValidationFailed } from '../../src/domain/errors';
import { MAX_INPUT_VALUES, NON_FIELD_ERRORS, validate } from '../../src/interfaces/http/validation';

const loginLike = Joi.object({ email: Joi.string().required(), password: Joi.string().required() });

const refusal = (input: unknown): Record<string, string[]> => {
  try {
    validate(loginLike, input);
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationFailed);
    return (error as ValidationFailed).errors as Record<string, string[]>;
  }
  throw new Error('accepted');
};

describe('Validating an input', () => {
  it('refuses an input of more values than any input of the API holds, as a whole, without a report per value', () => {
    const manyElements = { email: 'a@b.c', password: 'x', a: Array.from({ length: 50_000 }, () => 0) };
    const manyKeys = Object.fromEntries(Array.from({ length: 12_800 }, (_, i) => [`k${i}`, 0]));
    const nested = { email: 'a@b.c', password: 'x', a: Array.from({ length: 600 }, () => ({ b: [1] })) };
    for (const input of [manyElements, manyKeys, nested]) {
      expect(refusal(input)).to.deep.equal({ [NON_FIELD_ERRORS]: [`The request holds more than ${MAX_INPUT_VALUES} values.`] });
    }
  });

  it('reports each unknown field of an input within that bound', () => {
    const input = { email: 'a@b.c', password: 'x', ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 0])) };
    expect(Object.keys(refusal(input))).to.have.length(100);
    expect(validate(loginLike, { email: 'a@b.c', password: 'x' })).to.deep.equal({ email: 'a@b.c', password: 'x' });
  });
});
