/** Uniform numbers in [0, 1) from a seed (a linear congruential generator): the same seed, the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}
