export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same effort as a real verification, so unknown emails take as long as known ones. */
  verifyAgainstDummy(password: string): Promise<void>;
}

export const PASSWORD_HASHER = Symbol.for('PasswordHasher');
