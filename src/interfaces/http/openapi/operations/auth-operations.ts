import {
  logInBody,
  refreshBody,
  refreshedTokensResponse,
  sessionResponse,
  signUpBody,
  signUpResponse,
} from '../../schemas/auth-schemas';
import { AUTH_PROBLEMS, type OperationDoc } from '../operation-doc';

const user = { id: 1, email: 'student@example.com', username: 'student' };

export const authOperations: readonly OperationDoc[] = [
  {
    method: 'post',
    path: '/api/auth/signup/',
    operationId: 'signUp',
    summary: 'Create an account',
    description:
      'Emails are unique case-insensitively and stored as given. Usernames: 1–150 letters, digits and `.@+-_`. ' +
      'Passwords: 8–128 characters with at least one letter and one digit. Sign-ups from one address are limited ' +
      '(`SIGNUP_MAX_PER_IP` per `SIGNUP_THROTTLE_WINDOW`), then 429 with `Retry-After`.',
    tag: 'auth',
    auth: false,
    body: signUpBody,
    bodyExample: { email: 'student@example.com', username: 'student', password: 'secret123' },
    success: { status: 201, description: 'The account was created.', schema: signUpResponse, example: { user } },
    problems: [
      { status: 400, codes: ['validation_failed'] },
      { status: 429, codes: ['too_many_requests'] },
    ],
  },
  {
    method: 'post',
    path: '/api/auth/login/',
    operationId: 'logIn',
    summary: 'Log in and receive an access and a refresh token',
    description:
      'Wrong password, unknown email and inactive account get the same 401. Repeated failures for one account ' +
      'or from one address are throttled with 429 and `Retry-After`.',
    tag: 'auth',
    auth: false,
    body: logInBody,
    bodyExample: { email: 'student@example.com', password: 'secret123' },
    success: {
      status: 200,
      description: 'Logged in.',
      schema: sessionResponse,
      example: { access: 'eyJhbGciOiJIUzI1NiIs…', refresh: 'eyJhbGciOiJIUzI1NiIs…', user },
    },
    problems: [
      { status: 400, codes: ['validation_failed'] },
      { status: 401, codes: ['invalid_credentials'] },
      { status: 429, codes: ['too_many_requests'] },
    ],
  },
  {
    method: 'post',
    path: '/api/auth/token/refresh/',
    operationId: 'refreshTokens',
    summary: 'Exchange a refresh token for a new access and refresh token',
    description: 'Each refresh token works once. Presenting an already used one revokes the whole session. A token of a session already over (logged out, or revoked so) is refused with `invalid_token` ("This session has ended; log in again.") and reported as nothing more.',
    tag: 'auth',
    auth: false,
    body: refreshBody,
    bodyExample: { refresh: 'eyJhbGciOiJIUzI1NiIs…' },
    success: { status: 200, description: 'New tokens; the presented refresh token is now used up.', schema: refreshedTokensResponse },
    problems: [
      { status: 400, codes: ['validation_failed'] },
      { status: 401, codes: ['invalid_token'] },
    ],
  },
  {
    method: 'post',
    path: '/api/auth/logout/',
    operationId: 'logOut',
    summary: 'Revoke the session of a refresh token',
    tag: 'auth',
    auth: true,
    body: refreshBody,
    bodyExample: { refresh: 'eyJhbGciOiJIUzI1NiIs…' },
    success: { status: 204, description: 'The session is revoked.' },
    problems: [{ status: 400, codes: ['validation_failed'] }, ...AUTH_PROBLEMS],
  },
];
