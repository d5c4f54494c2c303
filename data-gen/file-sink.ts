/**
 * Generated files, written line by line: a buffered sink per file, and the styles that make day
 * files look like real ones (some start with a BOM, some end lines with CRLF, some list their
 * columns in another order, and some quote fields that need no quotes).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Rng } from './rng.js';
import { needsQuote, quoted } from './text.js';

/** Characters buffered per output file before a write. */
const BUFFER_CHARS = 1 << 20;
/** Share of day files with a BOM, with CRLF line ends, with shuffled columns, with extra quotes. */
const STYLE_RATE = 0.3;
/** In a file with extra quotes, the share of fields quoted although they need not be. */
const EXTRA_QUOTE_RATE = 0.05;

/** A file written line by line through a buffer of about BUFFER_CHARS characters. */
export class FileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  private closed = false;

  constructor(
    path: string,
    private readonly eol: string,
  ) {
    this.fd = openSync(path, 'w');
  }

  raw(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > BUFFER_CHARS) this.flush();
  }

  line(text: string): void {
    this.raw(text + this.eol);
  }

  private flush(): void {
    if (this.parts.length > 0) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Lines written last, when the file closes (a bill's summary). */
  trailer: (() => string[]) | null = null;

  close(): void {
    if (this.closed) return;
    if (this.trailer) for (const l of this.trailer()) this.line(l);
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}

/** How one CSV file is written. */
export interface FileStyle {
  bom: boolean;
  eol: string;
  /** Canonical column index of each file column. */
  order: number[];
  /** Share of fields quoted although they need not be. */
  quoteRate: number;
}

/** A file's style, drawn up front (`plain`: the canonical layout: no BOM, LF, header order, no quotes). */
export function drawStyle(nCols: number, rng: Rng, plain: boolean): FileStyle {
  const canonical = Array.from({ length: nCols }, (_, i) => i);
  if (plain) return { bom: false, eol: '\n', order: canonical, quoteRate: 0 };
  return {
    bom: rng.chance(STYLE_RATE),
    eol: rng.chance(STYLE_RATE) ? '\r\n' : '\n',
    order: rng.chance(STYLE_RATE) ? rng.shuffle([...canonical]) : canonical,
    quoteRate: rng.chance(STYLE_RATE) ? EXTRA_QUOTE_RATE : 0,
  };
}

/** The header line of a file of this style (with its BOM and line end). */
export function styledHeader(header: readonly string[], style: FileStyle): string {
  return `${style.bom ? '\uFEFF' : ''}${style.order.map((i) => header[i]!).join(',')}${style.eol}`;
}

/** One row (values in canonical order) as a line of a file of this style. */
export function styledLine(values: readonly string[], style: FileStyle, rng: Rng): string {
  const out: string[] = new Array<string>(values.length);
  for (let i = 0; i < style.order.length; i++) {
    const v = values[style.order[i]!]!;
    out[i] = needsQuote(v) || (style.quoteRate > 0 && rng.chance(style.quoteRate)) ? quoted(v) : v;
  }
  return out.join(',');
}
