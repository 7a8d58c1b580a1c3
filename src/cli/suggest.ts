/**
 * Edit distance (optimal string alignment): each insertion, deletion,
 * substitution or swap of two neighbouring characters costs 1, so `verfy`
 * is 1 from `verify` and `gaet` is 1 from `gate`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidates `input` is most likely a typo of: within 1 edit for up to
 * 3 characters, 2 up to 6, 3 beyond; or that it begins (3 characters at
 * least, counted as 1 edit). The nearest first, at most three.
 */
export function nearest(input: string, candidates: readonly string[]): string[] {
  const allowed = input.length <= 3 ? 1 : input.length <= 6 ? 2 : 3;
  const scored = candidates
    .map((candidate) => {
      const distance = editDistance(input.toLowerCase(), candidate);
      return { candidate, score: input.length >= 3 && candidate.startsWith(input) ? Math.min(distance, 1) : distance };
    })
    .filter(({ score }) => score <= allowed);
  const best = Math.min(...scored.map(({ score }) => score));
  return scored
    .filter(({ score }) => score === best)
    .map(({ candidate }) => candidate)
    .slice(0, 3);
}

/** ` or `-joined list: "a", "a or b", "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
