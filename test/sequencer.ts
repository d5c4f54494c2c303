/**
 * The order test files start in: the longest first (longest-processing-time first), so that the
 * three workers end together instead of one running a long file alone at the end. Vitest would run
 * the files it has timings for longest first, but on a fresh clone (no timings yet) it runs the
 * largest files first, and the heaviest suites here live in helpers behind four-line files.
 *
 * SECONDS: each file's duration under `npm test` on the README's 2-core machine, as vitest prints it
 * (or its JSON reporter: `npx vitest run --reporter=json --outputFile=t.json`, endTime - startTime of
 * each file), on a fresh clone, rounded (2026-12-08 at 4a20074); the server-only files (`*-server`,
 * server-role) from `bash .ci/run` (DATABASE_URL set) at the same commit. Only their order matters. A file not listed
 * counts as NEW_FILE seconds, among the long ones: a short file started early costs little, a long
 * one started last costs its whole length at the end. Measure again when files come or change much.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SECONDS: Record<string, number> = {
  // It waits for the check the global setup started: the later it starts, the less it waits.
  'test/unit/typecheck.test.ts': 0,
  'test/integration/profile-chain-server.test.ts': 20,
  'test/integration/profile-chain.test.ts': 29,
  'test/integration/retention.test.ts': 28,
  'test/integration/chain-server.test.ts': 20,
  'test/integration/chain.test.ts': 20,
  'test/integration/crash.test.ts': 23,
  'test/integration/crash-server.test.ts': 13,
  'test/integration/long-lines.test.ts': 14,
  'test/integration/kinds.test.ts': 19,
  'test/integration/console-browser.test.ts': 18,
  'test/integration/console.test.ts': 14,
  'test/integration/server-role.test.ts': 5,
  'test/integration/containers.test.ts': 9,
  'test/integration/payout-chain.test.ts': 14,
  'test/integration/cases-cli.test.ts': 4,
  'test/integration/bad-input.test.ts': 8,
  'test/integration/cli.test.ts': 13,
  'test/integration/cli-messages.test.ts': 8,
  'test/integration/profiles.test.ts': 7,
  'test/integration/calendar.test.ts': 6,
  'test/integration/store-lock.test.ts': 6,
  'test/unit/imports.test.ts': 6,
  'test/integration/cases-run.test.ts': 6,
  'test/unit/generate.test.ts': 6,
  'test/integration/case-summary.test.ts': 4,
  'test/integration/export.test.ts': 4,
  'test/integration/fuzz.test.ts': 6,
  'test/integration/payout-profile.test.ts': 5,
  'test/integration/report.test.ts': 4,
  'test/integration/window.test.ts': 3,
  'test/unit/scan.test.ts': 5,
  'test/integration/cases-migration.test.ts': 2,
  'test/integration/data-dir.test.ts': 3,
  'test/integration/open-items.test.ts': 2,
  'test/integration/replay.test.ts': 2,
  'test/unit/case-states.test.ts': 2,
  'test/unit/dates.test.ts': 2,
  'test/unit/lint.test.ts': 2,
  'test/unit/payout-profile.test.ts': 2,
  'test/unit/profiles.test.ts': 1,
  'test/unit/window-sort.test.ts': 3,
  'test/integration/atomic.test.ts': 2,
  'test/integration/card-numbers.test.ts': 2,
  'test/integration/finding-columns.test.ts': 1,
  'test/integration/payout-kinds.test.ts': 3,
  'test/integration/pool.test.ts': 1,
  'test/unit/batch.test.ts': 1,
  'test/unit/profile-patterns.test.ts': 2,
  'test/unit/profile-row.test.ts': 2,
  'test/unit/spill.test.ts': 1,
  'test/integration/gen-out.test.ts': 1,
  'test/unit/calendar-agreement.test.ts': 1,
  'test/unit/card-mask.test.ts': 1,
  'test/unit/codes.test.ts': 1,
  'test/unit/console-html.test.ts': 1,
  'test/unit/extras.test.ts': 1,
  'test/unit/field-rules.test.ts': 1,
  'test/unit/gen-calendar.test.ts': 1,
  'test/unit/key-table.test.ts': 1,
  'test/unit/memory-plan.test.ts': 1,
  'test/unit/merchant-cache.test.ts': 1,
  'test/unit/payout-check.test.ts': 1,
  'test/unit/progress.test.ts': 1,
  'test/unit/scratch.test.ts': 1,
  'test/unit/source-lines.test.ts': 1,
};

/** The estimate for a file not in SECONDS (it may be long). */
const NEW_FILE = 30;

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const seconds = (f: TestSpecification): number => SECONDS[relative(f.project.config.root, f.moduleId)] ?? NEW_FILE;
    return sorted
      .map((f, i) => ({ f, i, s: seconds(f) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .map((x) => x.f);
  }
}
