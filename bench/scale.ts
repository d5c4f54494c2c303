/**
 * How this machine scales from one thread to two, by the kind of work (bench/RESULTS.md, session 5):
 * each kind runs in 1 and then in 2 worker threads at once, every thread doing the same work, and
 * the wall time of each is printed. Arithmetic alone scaled to two cores here; streaming through
 * memory did not, which is what keeps two recon workers from doubling the speed of one.
 *
 *   node dist/bench/scale.js
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Multiply-adds in registers. */
function arithmetic(): number {
  let x = 0;
  for (let i = 0; i < 3e8; i++) x = (x * 31 + i) | 0;
  return x;
}

/** 256 MB filled, then read at random places. */
function randomReads(): number {
  const a = new Int32Array(64 << 20);
  for (let i = 0; i < a.length; i++) a[i] = i;
  let s = 0;
  let j = 1;
  for (let i = 0; i < 2e7; i++) {
    j = (j * 1103515245 + 12345) & (a.length - 1);
    s += a[j]!;
  }
  return s;
}

/** 8 passes of read-modify-write over 256 MB. */
function streaming(): number {
  const a = new Float64Array(32 << 20);
  let s = 0;
  for (let r = 0; r < 8; r++)
    for (let i = 0; i < a.length; i++) {
      a[i]! += i;
      s += a[i]!;
    }
  return s;
}

const KINDS: Record<string, () => number> = {
  'arithmetic only': arithmetic,
  'fill 256 MB, random reads': randomReads,
  '8 passes over 256 MB': streaming,
};

async function main(): Promise<void> {
  for (const kind of Object.keys(KINDS)) {
    const times: string[] = [];
    for (const n of [1, 2]) {
      const t0 = performance.now();
      await Promise.all(
        Array.from(
          { length: n },
          () =>
            new Promise<void>((resolve, reject) => {
              const w = new Worker(new URL(import.meta.url), { workerData: kind });
              w.once('message', () => resolve());
              w.once('error', reject);
            }),
        ),
      );
      times.push(`${n} thread${n > 1 ? 's' : ''} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    }
    process.stdout.write(`${kind.padEnd(28)} ${times.join('   ')}\n`);
  }
}

if (isMainThread) await main();
else {
  KINDS[workerData as string]!();
  parentPort!.postMessage('done');
}
