/**
 * What `recon gen` wrote into its output directory, kept there as DIR/.recon-gen.json, so that a
 * later gen into the same directory deletes its own earlier files and nothing else.
 *
 * - A file is gen's own when the manifest lists it under one of the names gen gives its files
 *   (journal/, clearing/, clearing-recon/ or payout/ day files, merchants.csv, truth.csv: never a
 *   path that leaves DIR), and it is still the regular file gen wrote (the same size and
 *   modification time: a file edited or replaced since is the user's).
 * - Any other day file (a name starting with a date in journal/, clearing/, clearing-recon/ or
 *   payout/), and a merchants.csv or truth.csv that is not gen's own, is foreign: gen refuses the
 *   directory unless forced, and even forced deletes none of them (it overwrites only the names it
 *   writes itself).
 */
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { UsageError } from '../src/core/usage-error.js';

/** The manifest's name in the output directory. */
export const GEN_MANIFEST = '.recon-gen.json';

/** The subdirectories gen writes day files into. */
const DAY_DIRS = ['journal', 'clearing', 'clearing-recon', 'payout'] as const;

/** A day file as gen names it: YYYY-MM-DD.csv, or a merchant's bill YYYY-MM-DD-<id>.zip / .csv.zip. */
export const GENERATED_DAY_FILE = /^\d{4}-\d{2}-\d{2}(-[0-9A-Za-z]+)?\.(csv|zip|csv\.zip)$/;

/** A relative path gen may write (and so may delete): nothing else is ever taken from a manifest. */
const OWN_PATH = new RegExp(
  `^(?:(?:${DAY_DIRS.join('|')})/${GENERATED_DAY_FILE.source.slice(1, -1)}|merchants\\.csv|truth\\.csv)$`,
);

/** A day file, whoever wrote it: a run's --data-dir reads (or refuses) every name starting with a date. */
const DAY_FILE = /^\d{4}-\d{2}-\d{2}/;

export interface ManifestEntry {
  /** Relative to the output directory, with `/`. */
  path: string;
  bytes: number;
  mtimeMs: number;
}

interface Manifest {
  generator: 'recon gen';
  files: ManifestEntry[];
}

function readManifest(out: string): ManifestEntry[] {
  const file = join(out, GEN_MANIFEST);
  if (!existsSync(file)) return [];
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    if (!Array.isArray(m.files)) return [];
    return m.files.filter(
      (f): f is ManifestEntry =>
        typeof f === 'object' &&
        f !== null &&
        typeof f.path === 'string' &&
        typeof f.bytes === 'number' &&
        typeof f.mtimeMs === 'number',
    );
  } catch {
    return []; // unreadable: nothing in DIR is known to be gen's
  }
}

/** Whether the manifest's entry `e` is still the file gen wrote, inside `out`. */
function stillOurs(out: string, realOut: string, e: ManifestEntry): boolean {
  if (!OWN_PATH.test(e.path)) return false;
  const abs = join(out, ...e.path.split('/'));
  try {
    const st = lstatSync(abs);
    if (!st.isFile() || st.size !== e.bytes || st.mtimeMs !== e.mtimeMs) return false;
    // The directory it is in (journal/ may be a link) must be the output directory or below it.
    const parent = realpathSync(dirname(abs));
    return parent === realOut || parent.startsWith(realOut + sep);
  } catch {
    return false; // gone (or unreadable): nothing to delete
  }
}

/** Day files, merchants.csv and truth.csv in `out`, as relative paths. */
function dataFiles(out: string): string[] {
  const found: string[] = [];
  for (const d of DAY_DIRS) {
    const dir = join(out, d);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir)) if (DAY_FILE.test(name)) found.push(`${d}/${name}`);
  }
  for (const name of ['merchants.csv', 'truth.csv']) if (existsSync(join(out, name))) found.push(name);
  return found.sort();
}

/**
 * Makes `out` ready for a generation: refuses it when it holds data files gen did not write (unless
 * `force`), then deletes gen's own earlier files. `out` may be missing or empty.
 */
export function clearOwnFiles(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  const realOut = realpathSync(out);
  const ours = new Set(
    readManifest(out)
      .filter((e) => stillOurs(out, realOut, e))
      .map((e) => e.path),
  );
  const foreign = dataFiles(out).filter((p) => !ours.has(p));
  if (foreign.length > 0 && !force) {
    const named = foreign.slice(0, 2).join(', ');
    const more = foreign.length > 2 ? ` and ${foreign.length - 2} more` : '';
    throw new UsageError(
      `--out ${out} holds files recon gen did not write (${named}${more}): generated days would mix with them; give an empty or new --out, or --force to write beside them (gen deletes only what it wrote)`,
    );
  }
  for (const p of ours) rmSync(join(out, ...p.split('/')));
  // The files just deleted are listed no more (a generation stopped half way leaves no stale list).
  writeManifest(out, []);
}

/** Records `files` (absolute paths gen wrote in `out`) as `out`'s manifest. */
export function recordOwnFiles(out: string, files: readonly string[]): void {
  writeManifest(
    out,
    files.map((f) => {
      const st = statSync(f);
      return { path: relative(out, f).split(sep).join('/'), bytes: st.size, mtimeMs: st.mtimeMs };
    }),
  );
}

function writeManifest(out: string, files: ManifestEntry[]): void {
  const file = join(out, GEN_MANIFEST);
  if (files.length === 0 && !existsSync(file)) return;
  const m: Manifest = { generator: 'recon gen', files };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(m, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
}
