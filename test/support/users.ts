import { randomUUID } from 'node:crypto';
import type { ApiClient } from './api-client';

export const TEST_PASSWORD = 'correct-horse-42';

export interface TestUser {
  readonly id: number;
  readonly email: string;
  readonly username: string;
  readonly password: string;
  readonly access: string;
  readonly refresh: string;
}

export function uniqueName(prefix = 'user'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** Signs up and logs in a fresh user through the public API. */
export async function createUser(api: ApiClient, password = TEST_PASSWORD): Promise<TestUser> {
  const username = uniqueName();
  const email = `${username}@example.com`;
  const signup = await api.post('/api/auth/signup/', { email, username, password });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const login = await api.post('/api/auth/login/', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: signup.body.user.id, email, username, password, access: login.body.access, refresh: login.body.refresh };
}
