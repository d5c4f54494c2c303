/**
 * Control totals (DESIGN §3.4): where a file read through a profile states figures about its
 * records (a count, amounts), the records the scan read must add up to them. A file whose records
 * disagree is refused, the run committing nothing: it was cut short or edited after it was made.
 * When some record could not be added (its fields did not split, or a summed value is not an
 * amount: that record is rejected anyway), a disagreement is a warning instead, since the rejected
 * record may be what is missing.
 */
import type { ScanResult } from '../core/tasks.js';
import { InputError } from '../inputs/errors.js';
import type { FilePlan } from './plan-file.js';

/** Checks each profile file's figures against its chunks' totals; returns warnings. */
export function checkControlTotals(
  plans: readonly FilePlan[],
  chunksOf: ReadonlyMap<FilePlan, readonly number[]>,
  results: ReadonlyMap<number, ScanResult>,
): string[] {
  const warnings: string[] = [];
  for (const plan of plans) {
    const figures = plan.profile?.figures ?? [];
    if (figures.length === 0) continue;
    let acc: Float64Array | null = null;
    for (const id of chunksOf.get(plan) ?? []) {
      const t = results.get(id)?.totals;
      if (!t) continue;
      if (acc === null) acc = new Float64Array(t.length);
      for (let i = 0; i < t.length; i++) acc[i]! += t[i]!;
    }
    let at = 0;
    const flags = acc === null ? 0 : acc.length / 2;
    for (const f of figures) {
      const got = (k: number): number => (acc === null ? 0 : acc[at + k]!);
      const unsure = (k: number): boolean => acc !== null && acc[flags + at + k]! > 0;
      const checks: [string, number, number, boolean, boolean][] = [];
      if (f.count !== undefined) checks.push([f.total.count!, f.count, got(0), false, unsure(0)]);
      Object.keys(f.total.sums).forEach((name, k) => {
        checks.push([name, f.sums.get(name)!, got(1 + k), true, unsure(1 + k)]);
      });
      for (const [name, stated, read, amount, uncertain] of checks) {
        if (stated === read) continue;
        const show = (v: number): string => (amount ? formatMinor(v, f.total.decimals) : String(v));
        const what = f.total.line ? `figure ${name} of its line /${f.total.line.source}/` : `"${name}"`;
        const message = `its summary states ${what} as ${show(stated)}, but its records give ${show(read)}`;
        if (uncertain) warnings.push(`${plan.shown}: ${message} (some of its records were rejected)`);
        else throw new InputError(plan.shown, `${message}: the file was cut short or edited; nothing was loaded`);
      }
      at += 1 + Object.keys(f.total.sums).length;
    }
  }
  return warnings;
}

/** Minor units as a decimal in major units. */
function formatMinor(v: number, decimals: number): string {
  if (decimals === 0) return String(v);
  const a = Math.abs(v);
  const unit = 10 ** decimals;
  return `${v < 0 ? '-' : ''}${Math.floor(a / unit)}.${String(a % unit).padStart(decimals, '0')}`;
}
