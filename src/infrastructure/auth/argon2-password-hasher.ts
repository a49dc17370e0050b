import { hash, verify } from '@node-rs/argon2';
import { inject, injectable } from 'inversify';
import type { PasswordHasher } from '../../application/ports/password-hasher';
import { OWASP_MEMORY_KIB } from '../config/config';

/** The memory cost of new hashes (`PASSWORD_HASH_MEMORY_KIB`; never below OWASP's in production). */
export const PASSWORD_HASH_MEMORY_KIB = Symbol.for('PasswordHashMemoryKib');

@injectable()
export class Argon2PasswordHasher implements PasswordHasher {
  private dummyHash: Promise<string> | null = null;
  private readonly options: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };

  constructor(@inject(PASSWORD_HASH_MEMORY_KIB) memoryKib: number = OWASP_MEMORY_KIB) {
    this.options = { memoryCost: memoryKib, timeCost: 2, parallelism: 1 };
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  async verifyAgainstDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash('dummy password for timing equalisation 0');
    await this.verify(await this.dummyHash, password);
  }
}
