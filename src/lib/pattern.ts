import { RE2JS } from 're2js';

/**
 * Patterns that people write (policy fields, `--certificate-*-regexp` flags)
 * and custody matches against strings taken from evidence: builder ids,
 * source repositories, certificate SANs and issuers. They are compiled by
 * RE2 (re2js), whose matching time is linear in the input whatever the
 * pattern, so a pattern such as `(a+)+$` cannot hang a gate; the syntax is
 * RE2's, the one cosign's Go `regexp` accepts. Backreferences and
 * lookaround, which need backtracking, do not compile and are refused.
 */

/** The policy schema's maxLength for a regexp field; flags get the same bound. */
export const MAX_PATTERN_LENGTH = 1000;
/** RE2 program size (≈ instructions): `\pL{1000}` alone is 1000. Bounds the cost per input character. */
export const MAX_PROGRAM_SIZE = 5000;
/**
 * Longest string a pattern is matched against. Identities, builder ids and
 * repositories are URIs or e-mail addresses; anything longer is hostile and
 * never matches.
 */
export const MAX_SUBJECT_LENGTH = 8192;
/** How much of a subject a message shows. */
const SHOWN = 200;

export interface Pattern {
  /** The pattern as written. */
  readonly source: string;
  /**
   * Does the pattern match somewhere in `input`? An unanchored search, like
   * Go's `MatchString` in cosign and JavaScript's `RegExp.test`: write
   * `^…$` to pin it. Case-sensitive, on Unicode code points; `.` does not
   * match a newline; `^`/`$` are the ends of the input. False, never a
   * pass, for an input longer than MAX_SUBJECT_LENGTH or when the engine
   * fails.
   */
  test(input: string): boolean;
}

/** Why a pattern was refused: one line, without the pattern itself. */
export class PatternError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatternError';
  }
}

/** Compile once (when the policy or the flags are read); throws PatternError for what RE2 refuses. */
export function compilePattern(source: string): Pattern {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(`is ${source.length} characters long, more than a pattern can be (${MAX_PATTERN_LENGTH})`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    throw new PatternError(`is not a valid regular expression (RE2 syntax, as cosign's): ${explain(err)}`, { cause: err });
  }
  if (re.programSize() > MAX_PROGRAM_SIZE) {
    throw new PatternError(`is too large a regular expression (RE2 program of ${re.programSize()} instructions; at most ${MAX_PROGRAM_SIZE})`);
  }
  return {
    source,
    test(input: string): boolean {
      if (input.length > MAX_SUBJECT_LENGTH) return false;
      try {
        return re.test(input);
      } catch {
        return false;
      }
    },
  };
}

/** A subject for a message: as is when short; else its start, its length, and whether it was too long to match. */
export function clip(input: string): string {
  if (input.length <= SHOWN) return input;
  const note = input.length > MAX_SUBJECT_LENGTH ? `, too long to match (at most ${MAX_SUBJECT_LENGTH})` : '';
  return `${input.slice(0, SHOWN)}… (${input.length} characters${note})`;
}

/** RE2's reason, with what a JavaScript or PCRE writer needs to know. */
function explain(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, '').replace(/\s+/g, ' ');
  if (/`\(\?<?[=!]/.test(text)) return `${text} (lookahead and lookbehind are not supported)`;
  if (/invalid escape sequence: `\\[1-9]/.test(text)) return `${text} (backreferences are not supported)`;
  return text;
}
