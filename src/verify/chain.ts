import type { DayManifest } from '../types.js';
import type { VerifyProblem } from './types.js';

export interface ChainDay {
  date: string;
  /** What the chain needs of the day's manifest (its link); undefined when it is unreadable. */
  manifest: Pick<DayManifest, 'previous'> | undefined;
  /** sha256 of the day's manifest.json as it is now. */
  sha256: string | undefined;
}

/**
 * The hash chain: each day's `previous` names the newest earlier day and the
 * sha256 of that day's manifest. Editing a past day breaks the next link;
 * removing, inserting or reordering a day breaks a `previous.date`.
 */
export function checkChain(days: readonly ChainDay[]): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const known = new Set(sorted.map((d) => d.date));
  let before: ChainDay | undefined;
  for (const day of sorted) {
    const path = `${day.date}/manifest.json#/previous`;
    const link = day.manifest?.previous;
    if (!day.manifest) {
      problems.push({
        code: 'chain-broken',
        path: `${day.date}/manifest.json`,
        message: `${day.date} has no readable day manifest, so the chain cannot pass through it`,
      });
    } else if (before === undefined) {
      if (link) {
        const why = known.has(link.date) ? 'which comes later' : 'which is not in the archive (removed?)';
        problems.push({ code: 'chain-broken', path, message: `${day.date} is the first day but links to ${link.date}, ${why}` });
      }
    } else if (!link) {
      problems.push({ code: 'chain-broken', path, message: `${day.date} has no link, but ${before.date} precedes it (inserted day?)` });
    } else if (link.date !== before.date) {
      const why = !known.has(link.date)
        ? `${link.date} is not in the archive (removed?)`
        : link.date < before.date
          ? `${before.date} was inserted after ${day.date} was written`
          : `the days are out of order`;
      problems.push({ code: 'chain-broken', path, message: `${day.date} links to ${link.date} but the day before it is ${before.date}: ${why}` });
    } else if (link.sha256 !== before.sha256) {
      problems.push({
        code: 'chain-broken',
        path,
        message: `${before.date}/manifest.json changed after ${day.date} was written: it has sha256 ${before.sha256 ?? 'unreadable'}, the link says ${link.sha256}`,
      });
    }
    before = day;
  }
  return problems;
}
