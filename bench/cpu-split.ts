/**
 * Where a run's CPU goes, from a Linux `perf` profile of the whole process (every thread, kernel
 * included): the samples split into the engine's own optimized JS, V8's optimizing compiler, the
 * garbage collector, the kernel zeroing fresh pages, the fingerprint's sha256 and the rest; and
 * which JS functions first touched the fresh pages.
 *
 * A V8 CPU profile (--cpu-prof) cannot show this: it sees neither the kernel nor the compiler's
 * threads' share as such, and it charges a page fault to whatever JS line touched the page.
 *
 *   GLIBC_TUNABLES=glibc.malloc.hugetlb=1 perf record -e cpu-clock -F 2000 -g -o perf.data -- \
 *     node --perf-basic-prof bin/recon run --date … --json --quiet
 *   perf script -i perf.data -F comm,tid,ip,sym > perf.txt
 *   node dist/bench/cpu-split.js perf.txt [hz]
 */
import { readFileSync } from 'node:fs';

type Category =
  | 'optimized JS'
  | 'interpreted / baseline JS, builtins'
  | 'optimizing compiler (TurboFan)'
  | 'garbage collector'
  | 'kernel: zeroing fresh pages'
  | 'kernel: file writes (copy into page cache)'
  | 'kernel: file reads (copy from page cache)'
  | 'kernel: other'
  | 'sha256 (file fingerprints)'
  | 'other native';

const COMPILER = /v8::internal::compiler::|v8::internal::turboshaft::|OptimizedCompilationJob|PipelineCompilationJob/;
const GC = /Scavenge|MarkCompact|Marking|Sweeper|v8::internal::Heap::|Evacuat|ConcurrentMarking/;

/** One sample: its frames, innermost first, each `ip symbol`. */
function frames(sample: string): string[] {
  return sample
    .split('\n')
    .slice(1)
    .map((l) => l.trim().replace(/^[0-9a-f]+\s+/, ''));
}

function categorize(stack: readonly string[]): Category {
  const top = stack[0] ?? '';
  if (top.startsWith('clear_page')) return 'kernel: zeroing fresh pages';
  if (top.startsWith('copy_folio_from_iter')) return 'kernel: file writes (copy into page cache)';
  if (top.startsWith('_copy_to_iter')) return 'kernel: file reads (copy from page cache)';
  if (top.includes('sha256')) return 'sha256 (file fingerprints)';
  if (top.startsWith('JS:*')) return 'optimized JS';
  if (top.startsWith('JS:') || top.startsWith('Builtins_')) return 'interpreted / baseline JS, builtins';
  if (stack.some((f) => COMPILER.test(f))) return 'optimizing compiler (TurboFan)';
  if (stack.some((f) => GC.test(f))) return 'garbage collector';
  if (top.includes('[unknown]') || /^[a-z_0-9.]+$/.test(top)) return 'kernel: other';
  return 'other native';
}

/** The first JS function below a sample's kernel frames: what touched the page. */
function toucher(stack: readonly string[]): string {
  const js = stack.find((f) => f.startsWith('JS:') || f === 'uv_fs_read' || f.includes('node::fs::'));
  return js === undefined ? '(native)' : js.replace(/file:\/\/\/.*?\/dist\//, '').replace(/^JS:[*^~]?/, '');
}

function main(): void {
  const [file, hzText] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: node dist/bench/cpu-split.js <perf script output> [sampling Hz, default 2000]\n');
    process.exit(2);
  }
  const hz = Number(hzText ?? 2000);
  const samples = readFileSync(file, 'utf8')
    .split('\n\n')
    .filter((s) => s.trim().length > 0);
  const byCategory = new Map<Category, number>();
  const byToucher = new Map<string, number>();
  for (const s of samples) {
    const stack = frames(s.trim());
    const c = categorize(stack);
    byCategory.set(c, (byCategory.get(c) ?? 0) + 1);
    if (c === 'kernel: zeroing fresh pages') {
      const t = toucher(stack);
      byToucher.set(t, (byToucher.get(t) ?? 0) + 1);
    }
  }
  const seconds = (n: number): string => (n / hz).toFixed(2).padStart(6);
  const share = (n: number): string => `${((100 * n) / samples.length).toFixed(1).padStart(5)}%`;
  console.log(`${samples.length} samples, ${seconds(samples.length)} s of CPU at ${hz} Hz`);
  for (const [c, n] of [...byCategory].sort((a, b) => b[1] - a[1])) console.log(`${seconds(n)} s ${share(n)}  ${c}`);
  console.log('\nfresh pages zeroed, by what first touched them:');
  for (const [t, n] of [...byToucher].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${seconds(n)} s  ${t}`);
}

main();
