/**
 * Names of the person's that a merge of two boxes' histories changed (GET /api/v1/me's
 * `nameClashes`): told once per browser, then remembered as seen in localStorage. Read at
 * start, and again when accounts, teams or channels arrive live (a merge is under way).
 */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import type { User } from '../types';
import { me, signedIn } from './session';

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

let checkTimer: ReturnType<typeof setTimeout> | undefined;

/** Asks again, once a burst of arriving ops has settled; my own username may have changed too. */
export function checkNameClashes(): void {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => {
    const answer = await api.get<{ user: User; nameClashes: NameClash[] }>('/me').catch(() => undefined);
    if (!answer) return;
    if (answer.user.username !== me.value?.username) signedIn(answer.user);
    showNameClashes(answer.nameClashes);
  }, 500);
}
