/**
 * Teams, for the administrator: create, rename, and who is in each. The list itself is the
 * directory's (admins see every team, with `member` telling which they are in), so the
 * sidebar's team switcher shows a new team at once.
 */
import { api } from '../net/api';
import { loadChannels } from '../state/channels';
import { loadTeamMembers, loadTeams } from '../state/directory';

/** The team's default channel comes with it, so the channels reload too. */
export async function createTeam(input: { id: string; name: string; displayName: string }): Promise<void> {
  await api.post('/teams', input);
  await Promise.all([loadTeams(), loadChannels()]);
}

export async function renameTeam(teamId: string, displayName: string): Promise<void> {
  await api.patch(`/teams/${teamId}`, { displayName });
  await loadTeams();
}

export async function addTeamMember(teamId: string, userId: string): Promise<void> {
  await api.post(`/teams/${teamId}/members`, { userId });
  await loadTeamMembers(teamId);
}

export async function removeTeamMember(teamId: string, userId: string): Promise<void> {
  await api.delete(`/teams/${teamId}/members/${userId}`);
  await loadTeamMembers(teamId);
}
