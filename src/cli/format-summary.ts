/** The one-screen summary printed at the end of `recon run`. */
import type { RunSummary, SideCounts } from '../run/summary.js';

function n(v: number): string {
  return v.toLocaleString('en-US');
}

/** Minor units as major with two decimals (fen → yuan). */
function money(minor: number): string {
  return (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function side(name: string, c: SideCounts): string {
  return `  ${name.padEnd(9)} ${n(c.rowsIn).padStart(12)} in = ${n(c.reconciled)} reconciled + ${n(c.open)} open + ${n(c.exception)} in exceptions + ${n(c.rejected)} rejected`;
}

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  const secs = s.durationMs / 1000;
  lines.push(
    `recon run ${s.date}${s.rerun ? ' (re-run: replaced the earlier run of this date)' : ''} — committed to ${s.store}`,
  );
  lines.push('');
  lines.push('rows');
  lines.push(side('journal', s.journal));
  lines.push(side('clearing', s.clearing));
  const cj = s.carried.journal;
  const cc = s.carried.clearing;
  lines.push(
    `  carried   journal ${n(cj.in)} in: ${n(cj.reconciled + cj.exception)} closed, ${n(cj.open)} still open; clearing ${n(cc.in)} in: ${n(cc.reconciled + cc.exception)} closed, ${n(cc.open)} still open`,
  );
  const po = s.payouts;
  if (po && (po.rowsIn > 0 || po.checked))
    lines.push(
      `  payout    ${n(po.rowsIn).padStart(12)} in = ${n(po.rows)} kept + ${n(po.rejected)} rejected; ${po.checked ? `${n(po.pairsChecked)} merchant settle dates checked` : 'not checked'}`,
    );
  lines.push(`  open items for the next run: journal ${n(s.openItems.journal)}, clearing ${n(s.openItems.clearing)}`);
  lines.push('');
  if (s.findings.length === 0) {
    lines.push('exceptions raised: none');
  } else {
    lines.push('exceptions raised                count     amount at stake');
    let count = 0;
    let stake = 0;
    for (const f of s.findings) {
      lines.push(`  ${f.kind.padEnd(26)} ${n(f.count).padStart(9)} ${money(f.amount_at_stake).padStart(19)}`);
      count += f.count;
      stake += f.amount_at_stake;
    }
    lines.push(`  ${'total'.padEnd(26)} ${n(count).padStart(9)} ${money(stake).padStart(19)}`);
  }
  if (s.resolved > 0)
    lines.push(`  earlier findings resolved (late credits and refunds, ambiguities settled): ${n(s.resolved)}`);
  if (s.holdsReleased > 0) lines.push(`  risk holds released: ${n(s.holdsReleased)}`);
  if (po && po.resolved > 0) lines.push(`  earlier payout findings resolved (paid after all): ${n(po.resolved)}`);
  if (s.duplicatesGrown > 0) lines.push(`  earlier DUPLICATE_CREDIT with more copies: ${n(s.duplicatesGrown)}`);
  const p = s.pruned;
  const payoutState = (p.payouts ?? 0) + (p.payoutExpected ?? 0);
  if (p.openItems + p.windowPages + p.windowSegments + p.windowCredits + p.changeLog + payoutState > 0)
    lines.push(
      `  pruned: ${n(p.openItems)} open items of superseded snapshots, ${n(p.windowPages + p.windowSegments)} journal-window rows, ${n(p.windowCredits)} late credits, ${n(payoutState)} payout rows and expected payouts, ${n(p.changeLog)} undo entries (replays reach back to ${s.replayFrom})`,
    );
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  lines.push('');
  const rows = s.journal.rowsIn + s.clearing.rowsIn;
  const stages = Object.entries(s.timingsMs)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}s`)
    .join(', ');
  lines.push(
    `time ${secs.toFixed(2)}s, ${n(rows)} rows, ${n(s.rowsPerSecond)} rows/s, ${s.workers} worker${s.workers === 1 ? '' : 's'} (${stages})`,
  );
  return lines.join('\n');
}
