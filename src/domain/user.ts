/** A registered user as the application sees it. Emails compare case-insensitively. */
export interface User {
  readonly id: number;
  readonly email: string;
  readonly username: string;
  readonly isActive: boolean;
  /** May administer the catalogue. */
  readonly isStaff: boolean;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
