import 'reflect-metadata';
import { createInterface } from 'node:readline';
import Joi from 'joi';
import { GrantStaffHandler } from '../../application/commands/grant-staff/grant-staff-handler';
import { ValidationFailed } from '../../domain/errors';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createContainer } from '../../infrastructure/container/create-container';
import { createLogger } from '../../infrastructure/logging/logger';
import { email, newPassword, username } from '../http/schemas/auth-schemas';
import { validate } from '../http/validation';
import { UsageError, exitOnUsageError, parseArgs } from './cli-args';
import { explainFailure } from '../explain-failure';

const USAGE = `usage: npm run create-admin -- --email admin@example.com [--username admin] [--revoke]

Makes the account staff (it may then administer the catalogue), creating it if it does not exist.
A new account's password is read from ADMIN_PASSWORD, or asked for when run on a terminal.
--username names a new account (the email's local part by default, if a valid username); an existing account keeps its
own, and the command says so. A deactivated account is refused (exit 2): it could not log in.
--revoke withdraws the right; either change takes effect on the account's next request.`;

const options = Joi.object({ email: email.required(), username });

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['email', 'username', 'revoke', 'help'], ['revoke', 'help']);
  if (args.has('help')) return void console.log(USAGE);
  if (!args.has('email')) throw new UsageError('--email is required');
  const input = validOptions({ email: args.get('email'), username: args.get('username') });
  const revoke = args.has('revoke');
  loadEnvFile();
  const app = createContainer(loadConfig(), { logger: createLogger('warn') });
  try {
    const handler = app.container.get(GrantStaffHandler);
    const creating = !revoke && !(await handler.exists(input.email));
    // A new account is named as a sign-up's must be: by --username, or by the email's local part
    // where that is a valid username.
    const name = creating ? (input.username ?? usernameFromEmail(input.email)) : input.username;
    const password = creating ? await newAccountPassword() : undefined;
    const { user, created } = await handler.execute({ ...input, username: name, revoke, password });
    const change = revoke ? 'is no longer staff' : created ? 'created as staff' : 'is now staff';
    console.log(`${user.email} (user ${user.id}, ${user.username}) ${change}`);
    if (!created && input.username !== undefined && input.username !== user.username) {
      console.error(`create-admin: the account existed already and keeps its username "${user.username}": --username ${input.username} names a new account only`);
    }
  } finally {
    await app.dispose();
  }
}

/** The options checked as a sign-up's fields are; a bad one is a usage error. */
function validOptions(raw: { email?: string; username?: string }): { email: string; username?: string } {
  try {
    return validate(options, raw) as { email: string; username?: string };
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    throw new UsageError(Object.entries(error.errors).map(([field, messages]) => `--${field}: ${messages.join(' ')}`).join(' '));
  }
}

/** The email's local part as the new account's username, if it is a valid one; otherwise a usage error. */
function usernameFromEmail(address: string): string {
  const local = address.trim().split('@')[0];
  const { error } = username.validate(local);
  if (error) throw new UsageError(`the email's local part "${local}" is not a valid username (${error.message}): name the account with --username`);
  return local;
}

/** ADMIN_PASSWORD, or typed twice on a terminal without being shown; checked like a sign-up's. */
async function newAccountPassword(): Promise<string> {
  const password = process.env.ADMIN_PASSWORD ?? (process.stdin.isTTY ? await askTwice() : undefined);
  if (password === undefined) throw ValidationFailed.field('password', 'A new account needs a password: set ADMIN_PASSWORD or run on a terminal.');
  return validate(Joi.object({ password: newPassword.required() }), { password }).password as string;
}

async function askTwice(): Promise<string> {
  const first = await askHidden('Password for the new account: ');
  const second = await askHidden('Again: ');
  if (first !== second) throw ValidationFailed.field('password', 'The two passwords differ.');
  return first;
}

function askHidden(prompt: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = terminal as unknown as { _writeToOutput: (text: string) => void; output: NodeJS.WriteStream };
  let prompted = false;
  // Shows the prompt, then nothing of what is typed.
  output._writeToOutput = (text: string) => {
    if (!prompted) output.output.write(text);
    prompted = true;
  };
  return new Promise((resolve) =>
    terminal.question(prompt, (answer) => {
      terminal.close();
      process.stdout.write('\n');
      resolve(answer);
    }),
  );
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'create-admin', USAGE);
  if (error instanceof ValidationFailed) {
    for (const [field, messages] of Object.entries(error.errors)) console.error(`create-admin: ${field}: ${messages.join(' ')}`);
    process.exit(2);
  }
  console.error(`create-admin failed: ${explainFailure(error)}`);
  process.exit(1);
});
