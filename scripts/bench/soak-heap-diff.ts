/**
 * What grew between two V8 heap snapshots (the soak's `--soak-snapshots DIR` writes one per
 * sample): live objects counted and sized by constructor or kind, the biggest growths first.
 * A snapshot holds only what is reachable, so growth here is memory something keeps.
 *
 *   node build/scripts/bench/soak-heap-diff.js FIRST.heapsnapshot LAST.heapsnapshot [rows]
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

interface Group {
  count: number;
  bytes: number;
}

/** Self size and count per "type:name" (constructor names for objects, the kind for the rest). */
export function groups(file: string): Map<string, Group> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const result = new Map<string, Group>();
  for (let at = 0; at < heap.nodes.length; at += fields.length) {
    const kind = types[heap.nodes[at + type]!]!;
    // Strings and code are keyed by kind: their "names" are their contents.
    const key =
      kind === 'object' || kind === 'closure' || kind === 'native' ? `${kind}:${heap.strings[heap.nodes[at + name]!]!.slice(0, 60)}` : kind;
    const group = result.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += heap.nodes[at + size]!;
    result.set(key, group);
  }
  return result;
}

function main(): void {
  const [first, last, rows = '25'] = process.argv.slice(2);
  if (!first || !last) throw new Error('usage: soak-heap-diff FIRST.heapsnapshot LAST.heapsnapshot [rows]');
  const before = groups(first);
  const after = groups(last);
  const total = (map: Map<string, Group>) => [...map.values()].reduce((sum, group) => sum + group.bytes, 0);
  process.stdout.write(`live heap ${(total(before) / 1048576).toFixed(2)} → ${(total(after) / 1048576).toFixed(2)} MiB\n`);
  const changes = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
    const a = before.get(key) ?? { count: 0, bytes: 0 };
    const b = after.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: b.count - a.count, bytes: b.bytes - a.bytes, now: b.count };
  });
  changes.sort((x, y) => y.bytes - x.bytes);
  for (const change of changes.slice(0, Number(rows))) {
    process.stdout.write(
      `${(change.bytes / 1024).toFixed(1).padStart(10)} KiB ${String(change.count).padStart(8)} objects (${change.now} now)  ${change.key}\n`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
