/** A registered user as the application sees it. Emails compare case-insensitively. */
export interface User {
  readonly id: number;
  readonly email: string;
  readonly username: string;
  readonly isActive: boolean;
  /** May administer the catalogue. */
  readonly isStaff: boolean;
}

/** An email as compared: trimmed, in lower case, a word's last sigma (`ς`) read as any other (`σ`). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase().replace(/ς/g, 'σ');
}
