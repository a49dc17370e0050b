export interface SeedSizes {
  readonly tests: number;
  readonly courses: number;
  readonly users: number;
  /** Registrations (each with its payment) to create per kind, spread over users and items. */
  readonly registrationsPerKind: number;
  /** Payments given to the first seeded user per kind (the benchmark's user with a long history). */
  readonly heavyUserPaymentsPerKind: number;
}

export const FULL_SEED: SeedSizes = {
  tests: 1_000_000,
  courses: 1_000_000,
  users: 1_000,
  registrationsPerKind: 60_000,
  heavyUserPaymentsPerKind: 1_200,
};

export const DEMO_SEED: SeedSizes = {
  tests: 2_000,
  courses: 2_000,
  users: 20,
  registrationsPerKind: 400,
  heavyUserPaymentsPerKind: 30,
};

/** Registrations scale with the catalogue unless set; the heavy user never exceeds the items. */
export function seedSizes(tests: number, courses: number, users: number): SeedSizes {
  const items = Math.min(tests, courses);
  return {
    tests,
    courses,
    users,
    registrationsPerKind: Math.min(Math.round(items * 0.06), users * items),
    heavyUserPaymentsPerKind: Math.min(1_200, items),
  };
}

/** Every seeded user can log in with this password (documented in the README). */
export const SEED_PASSWORD = 'password123';

export const seedUserEmail = (n: number): string => `user${n}@example.com`;
