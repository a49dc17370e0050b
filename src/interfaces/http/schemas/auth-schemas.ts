import Joi from 'joi';
import { responseObject, withMaxCharacters } from './common-schemas';

/**
 * Emails and usernames are compared in Unicode's compatibility form (NFKC): a composed `é` and an
 * `e` with a combining accent, or full-width `ＡＢ` and `AB`, are one name, not two look-alike
 * accounts. Emails are also compared without regard to case.
 */
export const email = Joi.string().trim().normalize('NFKC').max(254).email({ tlds: { allow: false } });
export const username = withMaxCharacters(Joi.string().normalize('NFKC').min(1), 150)
  .pattern(/^[\p{L}\p{N}_.@+-]+$/u)
  .messages({ 'string.pattern.base': 'username may contain only letters, digits and . @ + - _' });
export const newPassword = Joi.string()
  .min(8)
  .max(128)
  .pattern(/\p{L}/u, 'letter')
  .pattern(/\p{Nd}/u, 'digit')
  .messages({ 'string.pattern.name': 'password must contain at least one {#name}' });

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
