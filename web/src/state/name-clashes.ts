/**
 * Names of the person's that a merge of two boxes' histories changed (GET /api/v1/me's
 * `nameClashes`): told once per browser, then remembered as seen in localStorage.
 */
import { signal } from '@preact/signals';

export interface NameClash {
  readonly kind: 'user' | 'team' | 'channel';
  readonly id: string;
  readonly requested: string;
  readonly name: string;
}

const SEEN = 'hail.nameClashesSeen';
const keyOf = (clash: NameClash) => `${clash.kind}:${clash.id}:${clash.name}`;

function seen(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(SEEN) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

export const nameClashNotices = signal<readonly NameClash[]>([]);

export function showNameClashes(clashes: readonly NameClash[] = []): void {
  const told = seen();
  nameClashNotices.value = clashes.filter((clash) => !told.has(keyOf(clash)));
}

export function dismissNameClashes(): void {
  const told = seen();
  for (const clash of nameClashNotices.value) told.add(keyOf(clash));
  localStorage.setItem(SEEN, JSON.stringify([...told]));
  nameClashNotices.value = [];
}
