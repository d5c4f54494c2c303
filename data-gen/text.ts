/** Values as the generated files write them: zero-padded numbers, local times, yuan, CSV cells. */
import { formatIsoDate, MS_PER_DAY } from '../src/core/dates.js';

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** An instant (epoch ms) as ISO 8601 local time with its offset: 2026-11-20T22:58:10+08:00. */
export function isoTime(ms: number, offsetMin: number): string {
  const local = ms + offsetMin * 60_000;
  const day = Math.floor(local / MS_PER_DAY);
  const t = local - day * MS_PER_DAY;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const a = Math.abs(offsetMin);
  return `${formatIsoDate(day)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(a / 60), 2)}:${pad(a % 60, 2)}`;
}

/** The local time of a bill row: YYYY-MM-DD hh:mm:ss. */
export function billTime(ms: number, offsetMin: number): string {
  return isoTime(ms, offsetMin).slice(0, 19).replace('T', ' ');
}

/** Fen as yuan with two decimals: 12800 → 128.00, −5 → -0.05. */
export function yuan(fen: number): string {
  return `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${pad(Math.abs(fen) % 100, 2)}`;
}

/** Whether a CSV cell must be quoted (it holds a comma, a quote or a line break). */
export function needsQuote(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return true;
  }
  return false;
}

/** A CSV cell, quoted. */
export function quoted(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}
