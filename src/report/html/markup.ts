/**
 * Markup that cannot be injected into: `html` is a tagged template whose
 * every interpolated value is escaped unless it is itself Markup made by
 * `html` (or by `trusted`, for the page's own constants). Archive strings
 * (names, summaries, messages) are hostile input; they only ever reach the
 * page as escaped text or escaped attribute values, never as markup.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value. Also drops C0 controls (but tab, LF, CR) that no HTML parser wants. */
export function escapeHtml(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

export type Interpolated = Markup | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Markup {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Markup(out);
}

/** The page's own constant markup (styles, the sorting script): never archive data. */
export function trusted(text: string): Markup {
  return new Markup(text);
}
