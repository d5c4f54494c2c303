/**
 * HTML that escapes by default (DESIGN §11: every value that came from an input file or a person is
 * escaped; an order number is text a stranger chose). Pages are written as tagged templates,
 * html`<td>${value}</td>`: every interpolated value is escaped, unless it is itself Html (a fragment
 * made by html``, or markup recon drew itself and marks with `trusted`). So forgetting to escape
 * takes an explicit act (`trusted`), never an omission.
 *
 * Values: a string or number is escaped (& < > " ' — safe in text and in double-quoted attribute
 * values); null, undefined and false are nothing; an array is each of its values, in turn. A URL
 * interpolated into href is one the page built from fixed paths and encodeURIComponent'd values.
 */

/** A fragment of HTML that is already safe to put in a page. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(v: HtmlValue): string {
  if (v instanceof Html) return v.text;
  if (v === null || v === undefined || v === false || v === true) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/**
 * Markup recon drew itself from numbers and names of its own (the report's SVG charts), taken as
 * it is. Never for text from an input file, the store's text columns or a request.
 */
export function trusted(markup: string): Html {
  return new Html(markup);
}
