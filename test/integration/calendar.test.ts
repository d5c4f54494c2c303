/**
 * The calendar's covered span (DESIGN §3.3): a run or a generator that needs a date outside it (a
 * business date, an expected settle date, a deadline) stops with one line naming the calendar file
 * and how to extend it, instead of guessing that an unlisted weekday is a working day; with a
 * calendar that covers the dates the same days run, and the findings are exactly the truth of a
 * generator that planned them with that calendar.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { packagePath } from '../../src/core/package-path.js';
import { UsageError } from '../../src/core/usage-error.js';
import { defaultCalendarPath, loadCalendar } from '../../src/inputs/calendar.js';
import type { Pool } from '../../src/run/pool.js';
import { datesFrom, foundLines, runDate, tempDir, truthLines } from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { storeCases } from '../helpers/stores.js';

const NEW_YEAR = packagePath('test/fixtures/calendar-newyear-2027.json');
const START = '2026-12-29';
const DAYS = 8;

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

function gen(calendar: string, out: string): ReturnType<typeof generate> {
  const c = loadCalendar(calendar);
  return generate({ date: START, days: DAYS, rows: 1200, seed: 21, out, calendar: c.spec, calendarPath: c.path });
}

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(packagePath('bin/recon'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('the calendar covers the dates a run needs', () => {
  it('recon gen refuses to plan days the calendar does not cover, in one line naming the file (exit 2)', async () => {
    const r = await cli(['gen', '--date', START, '--days', '3', '--rows', '200', '--out', tempDir('gen-cal')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(
      new RegExp(
        `^recon: recon gen needs 2027-01-\\d\\d \\(an? .*\\), outside the calendar ${defaultCalendarPath()}, which covers 2025-01-01\\.\\.2026-12-31: add the 2027 public holidays and make-up working days to it and move the end of "covers" to 2027-12-31, or pass --calendar`,
      ),
    );
  });

  it('the generator plans with the calendar it is given', () => {
    // The same seed under two calendars that differ in one holiday: the truths differ.
    const open = join(tempDir('cal-open'), 'calendar.json');
    writeFileSync(
      open,
      JSON.stringify({ zone: '+08:00', cutoff: '23:00', covers: ['2026-12-01', '2027-01-31'], holidays: [] }),
    );
    const a = gen(NEW_YEAR, tempDir('gen-newyear'));
    const b = gen(open, tempDir('gen-open'));
    const key = (t: (typeof a.truth)[number]): string => `${t.kind} ${t.stan} ${t.business_date} ${t.days_late}`;
    expect(a.truth.map(key)).not.toEqual(b.truth.map(key));
    // Items age at their deadline, a working day: with New Year's Day off, no run of that day ages any.
    const ageing = new Set(['MISSING_CREDIT', 'REFUND_NOT_DEBITED', 'UNMATCHED_CLEARING']);
    const agedOnNewYear = (truth: typeof a.truth): number =>
      truth.filter((t) => t.business_date === '2027-01-01' && ageing.has(t.kind)).length;
    expect(agedOnNewYear(a.truth)).toBe(0);
    expect(agedOnNewYear(b.truth)).toBeGreaterThan(0);
  });

  for (const sc of storeCases().slice(0, 1)) {
    it(`refuses a run past the end of the shipped calendar, and runs the days exactly with one that covers them (${sc.name})`, async () => {
      const dir = tempDir('cal-chain');
      gen(NEW_YEAR, dir);
      const dates = datesFrom(START, DAYS);
      const store = await sc.open();
      try {
        // The shipped calendar ends on 2026-12-31: the first run's deadlines are in 2027.
        const refused = runDate(store, dir, dates[0]!, pool);
        await expect(refused).rejects.toThrow(UsageError);
        await expect(refused).rejects.toThrow(
          new RegExp(
            `^the run needs 2027-01-\\d\\d \\(an expected settle date or deadline\\), outside the calendar ${defaultCalendarPath()}, which covers 2025-01-01\\.\\.2026-12-31: add the 2027`,
          ),
        );
        expect(await store.query('select 1 from recon.run')).toEqual([]);
        for (const d of dates) await runDate(store, dir, d, pool, { calendar: NEW_YEAR });
        expect(await foundLines(store, dates)).toEqual(truthLines(dir));
      } finally {
        await store.close();
        await sc.dispose();
      }
    });
  }
});
