/** Choices drawn from the seeded PRNG (test/helpers/prng.ts), so a seed replays a run exactly. */
export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

export const chance = (random: Random, p: number): boolean => random() < p;

export const between = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
