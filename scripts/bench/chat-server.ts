/**
 * What the scenarios need from a chat server, whichever it is: Hail, ngircd (IRC) or Prosody
 * (XMPP group chat). Each driver starts its server on a free loopback port with a benchmark
 * configuration, joins clients to one room (a channel, an IRC channel, a MUC room), and stops
 * everything it started.
 */
export interface Sender {
  /** Sends one message to the room; resolves true once the server accepted it. */
  send(text: string): Promise<boolean>;
}

export interface ChatServer {
  readonly name: string;
  /** Whether an accepted message is on disk (fsync) before it is acknowledged. */
  readonly persists: boolean;
  readonly pid: number;
  /** Connects `count` more receivers to the room; every message text they get goes to `onText`. */
  connectReceivers(count: number, onText: (text: string) => void): Promise<void>;
  openSender(): Promise<Sender>;
  /** Closes every client, then stops the server by its PID. */
  stop(): Promise<void>;
}

export type ServerName = 'hail' | 'ngircd' | 'prosody';
