/**
 * How a long import tells the operator it is moving: on a terminal, one line redrawn in place
 * (a bar when the input's size is known, counts and rate); otherwise (a log, a pipe) a plain
 * line every few seconds, so a journal is not flooded.
 */
export interface Progress {
  /** `done` of `total` bytes read; `counts` such as posts and users so far. */
  update(done: number, counts: Readonly<Record<string, number>>): void;
  finish(counts: Readonly<Record<string, number>>): void;
}

const BAR_WIDTH = 24;

export function progressReporter(out: NodeJS.WriteStream, total: number, startedAt = Date.now()): Progress {
  const interactive = out.isTTY === true;
  const every = interactive ? 200 : 5000;
  let last = 0;
  const describe = (counts: Readonly<Record<string, number>>) => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
    const posts = counts['post.created'] ?? 0;
    const parts = Object.entries(counts).map(([name, count]) => `${count} ${name}`);
    return `${parts.join(', ')} (${Math.round(posts / seconds)} posts/s, ${seconds.toFixed(1)} s)`;
  };
  return {
    update(done, counts) {
      const now = Date.now();
      if (now - last < every) return;
      last = now;
      const share = total > 0 ? Math.min(done / total, 1) : 0;
      if (interactive) {
        const filled = Math.round(share * BAR_WIDTH);
        out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.round(share * 100)}% ${describe(counts)}\u001b[K`);
      } else {
        out.write(`import: ${Math.round(share * 100)}% ${describe(counts)}\n`);
      }
    },
    finish(counts) {
      out.write(`${interactive ? '\r' : ''}import: done, ${describe(counts)}${interactive ? '\u001b[K' : ''}\n`);
    },
  };
}
