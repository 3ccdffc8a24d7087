/**
 * What every importer shares: commands queued per source line (or file and message), committed
 * a chunk at a time in one event-loop turn, so group commit writes the chunk in ONE
 * transaction (a killed import leaves whole chunks, never half of one), and the report of
 * what was added, skipped, renamed and dropped. A problem with `strict` stops the import.
 */
import type { Command } from '../core/commit.js';
import type { Writer } from '../core/writer.js';

export interface ImportReport {
  /** Ops applied, by kind: what this run added. */
  readonly added: Record<string, number>;
  /** Lines skipped, or parts of lines, with the reason; `line` 0 when no line is to blame. */
  readonly problems: { line: number; where?: string; message: string }[];
  /** Source usernames that were taken here, and the name each account got instead. */
  readonly renamed: { from: string; to: string }[];
  /** Accounts this run made, which need a password link. */
  readonly newAccounts: { id: string; username: string }[];
  /** Kinds of source records Hail has no place for, with how many were passed over. */
  readonly dropped: Record<string, number>;
}

export class StrictAbort extends Error {}

interface Pending {
  readonly line: number;
  readonly where?: string;
  readonly command: Command;
  readonly account?: { id: string; username: string };
}

export class ImportBatch {
  private pending: Pending[] = [];
  readonly report: ImportReport = { added: {}, problems: [], renamed: [], newAccounts: [], dropped: {} };

  constructor(
    private readonly writer: Writer,
    private readonly strict: boolean,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  problem(line: number, message: string, where?: string): void {
    this.report.problems.push({ line, where, message });
    if (this.strict) {
      const place = [where, line > 0 ? `line ${line}` : ''].filter(Boolean).join(' ');
      throw new StrictAbort(
        `${place ? `${place}: ` : ''}${message}; the import stopped (--strict); what was imported before stays, and a re-run continues`,
      );
    }
  }

  drop(kind: string): void {
    this.report.dropped[kind] = (this.report.dropped[kind] ?? 0) + 1;
  }

  queue(line: number, command: Command, account?: Pending['account'], where?: string): void {
    if (command.ops.length > 0) this.pending.push({ line, where, command, account });
  }

  /** Commits the chunk: every command in one turn, so in one transaction. */
  async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = [];
    const outcomes = await Promise.all(
      chunk.map(({ command }) => {
        try {
          return this.writer.committer.commit(command).then(
            (entries) => ({ entries, error: undefined }),
            (error: unknown) => ({ entries: [], error }),
          );
        } catch (error) {
          return Promise.resolve({ entries: [], error });
        }
      }),
    );
    outcomes.forEach(({ entries, error }, index) => {
      const { line, where, account } = chunk[index]!;
      for (const { op } of entries) this.report.added[op.type] = (this.report.added[op.type] ?? 0) + 1;
      if (error === undefined && account && entries.some(({ op }) => op.type === 'user.created')) this.report.newAccounts.push(account);
      if (error !== undefined) this.problem(line, (error as Error).message, where);
    });
  }
}
