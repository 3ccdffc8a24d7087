/**
 * The person's bot tokens: scripts and bots act as them with `Authorization: Bearer <token>`.
 * The server keeps only a hash, so a token's secret is known once, in the answer that made it.
 */
import { signal } from '@preact/signals';
import { api } from '../net/api';

export interface BotToken {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

export const botTokens = signal<readonly BotToken[] | undefined>(undefined);

export async function loadBotTokens(): Promise<void> {
  botTokens.value = (await api.get<{ tokens: BotToken[] }>('/me/tokens')).tokens;
}

/** Answers the secret, which cannot be read again. */
export async function createBotToken(name: string): Promise<string> {
  const { token } = await api.post<{ token: string }>('/me/tokens', { name });
  await loadBotTokens();
  return token;
}

export async function revokeBotToken(id: string): Promise<void> {
  await api.delete(`/me/tokens/${id}`);
  await loadBotTokens();
}
