/** Cut `bytes` at the given points (any, in any order): the chunks a stream might deliver. */
export function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    if (p > start) out.push(bytes.subarray(start, p));
    start = Math.max(start, p);
  }
  return out;
}
