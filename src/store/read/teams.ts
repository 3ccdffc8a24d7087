/** Teams as the teams table holds them. */
export interface TeamRow {
  id: string;
  name: string;
  display_name: string;
  default_channel_id: string;
}
