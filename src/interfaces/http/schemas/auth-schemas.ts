import Joi from 'joi';
import { responseObject, withMaxCharacters, withMinCharacters } from './common-schemas';

/**
 * Characters an email may not hold, though an address's syntax lets them through: controls (C0 and
 * C1: a terminal escape, a line break), invisible format characters (a zero-width space, a
 * right-to-left override, a soft hyphen), line and paragraph separators, private-use, unassigned
 * and noncharacter code points. With them, an address that shows as another's would be a second
 * account.
 */
const UNSEEN_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/**
 * Emails and usernames are compared in Unicode's compatibility form (NFKC): a composed `é` and an
 * `e` with a combining accent, or full-width `ＡＢ` and `AB`, are one name, not two look-alike
 * accounts. Emails are also compared without regard to case, and hold no character that does not
 * show (see `UNSEEN_OR_CONTROL`).
 */
export const email = Joi.string()
  .trim()
  .normalize('NFKC')
  .max(254)
  .custom((value: string, helpers) => (UNSEEN_OR_CONTROL.test(value) ? helpers.error('string.unseen') : value))
  .email({ tlds: { allow: false } })
  .messages({ 'string.unseen': '{{#label}} must not contain control, invisible or unassigned characters' });
export const username = withMaxCharacters(Joi.string().normalize('NFKC').min(1), 150)
  .pattern(/^[\p{L}\p{N}_.@+-]+$/u)
  .messages({ 'string.pattern.base': 'username may contain only letters, digits and . @ + - _' });
/** 8 to 128 characters (code points: an emoji is one), at least a letter and a digit among them. */
export const newPassword = withMaxCharacters(withMinCharacters(Joi.string(), 8), 128)
  .pattern(/\p{L}/u, 'letter')
  .pattern(/\p{Nd}/u, 'digit')
  .messages({ 'string.pattern.name': 'password must contain at least one {#name}' })
  // The document's one pattern says both rules (JSON Schema holds a single `pattern`); the last
  // `swagger` meta is the one the document reads, so it repeats the lengths.
  .meta({ swagger: { minLength: 8, maxLength: 128, pattern: '^(?=.*\\p{L})(?=.*\\p{Nd})' } });

export const signUpBody = Joi.object<{ readonly email: string; readonly username: string; readonly password: string }>({
  email: email.required(),
  username: username.required(),
  password: newPassword.required(),
}).required();

export const logInBody = Joi.object<{ readonly email: string; readonly password: string }>({
  email: Joi.string().normalize('NFKC').max(254).required(),
  password: Joi.string().max(1024).required(),
}).required();

export const refreshBody = Joi.object<{ readonly refresh: string }>({
  refresh: Joi.string().max(4096).required(),
}).required();

export const userBody = responseObject({
  id: Joi.number().integer().example(1),
  email: Joi.string().example('student@example.com'),
  username: Joi.string().example('student'),
}).meta({ className: 'User' });

export const signUpResponse = responseObject({ user: userBody }).label('SignUpResponse');

export const sessionResponse = responseObject({
  access: Joi.string().description('Access token (JWT), short-lived'),
  refresh: Joi.string().description('Refresh token (JWT); single use, rotated on every refresh'),
  user: userBody,
}).label('Session');

export const refreshedTokensResponse = responseObject({
  access: Joi.string(),
  refresh: Joi.string(),
}).label('RefreshedTokens');
