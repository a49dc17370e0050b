import { OFFERING_SORTS } from '../../application/ports/offering-catalogue';
import { AVAILABILITY_STATUSES } from '../../domain/availability-window';
import { ALL_OFFERING_KINDS, OFFERING_KINDS } from '../../domain/offering-kind';
import {
  COMMON_TECHNOLOGIES,
  COURSE_NOUNS,
  DESCRIPTION_PHRASES,
  LEVELS,
  RARE_TECHNOLOGIES,
  TEST_NOUNS,
} from '../../infrastructure/seed/seed-vocabulary';

/**
 * Catalogue searches as users type them: one or two words of the catalogue's vocabulary (common
 * and rare technologies, Korean level words and nouns, words of descriptions, unfinished words),
 * with or without a status, any sort, a price range in about a third of them, tests and courses.
 * Seeded, so that a run can be repeated, and never the same URL twice, so that no cache helps.
 */
export function searchMix(seed: number): () => string {
  const random = mulberry32(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const phraseWords = [...new Set(DESCRIPTION_PHRASES.flatMap((phrase) => phrase.split(' ')))];
  const prefixes = [...COMMON_TECHNOLOGIES, ...RARE_TECHNOLOGIES].filter((word) => word.length > 3).map((word) => word.slice(0, Math.max(2, word.length - 2)));
  const words = [...COMMON_TECHNOLOGIES, ...RARE_TECHNOLOGIES, ...LEVELS, ...TEST_NOUNS, ...COURSE_NOUNS, ...phraseWords];
  const seen = new Set<string>();

  const next = (): string => {
    const kind = pick(ALL_OFFERING_KINDS);
    const typing = random() < 0.2;
    const search = random() < 0.5 ? [pick(words), typing ? pick(prefixes) : pick(words)] : [typing ? pick(prefixes) : pick(words)];
    const params = new URLSearchParams({ search: search.join(' ') });
    if (random() < 0.6) params.set('status', pick(AVAILABILITY_STATUSES));
    params.set('sort', pick(OFFERING_SORTS));
    if (random() < 1 / 3) {
      // Prices of the catalogue run from 10,000 to 100,000; some bounds fall outside it.
      const low = 100 * Math.floor(random() * 1_000);
      const high = low + 100 * Math.floor(random() * 2_000);
      if (random() < 0.8) params.set('price_min', String(low));
      params.set('price_max', String(high));
    }
    return `/api/${OFFERING_KINDS[kind].plural}/?${params.toString()}`;
  };

  return () => {
    for (;;) {
      const path = next();
      if (!seen.has(path)) {
        seen.add(path);
        return path;
      }
    }
  };
}

/** A small seeded generator of uniform numbers in [0, 1) (Mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
