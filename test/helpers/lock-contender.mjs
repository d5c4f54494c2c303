// A process contending for an embedded store's lock (test/integration/store-lock.test.ts), using
// the built lock of dist/. Arguments: <dir> <startAtEpochMs> <holdMs> <log> <leave|release>.
// It waits until startAt (so that all contenders start at the same moment), then tries to take the
// lock until it has it (refusals are expected while another holds it), logs the interval it held
// it as "<pid> <acquired ns> <released ns>" (CLOCK_MONOTONIC, the same clock in every process), and
// then either releases it or exits holding it, as a killed run does (a stale lock for the others).
import { appendFileSync } from 'node:fs';
import { lockStore } from '../../dist/src/store/store-lock.js';

const [dir, startAt, holdMs, log, end] = process.argv.slice(2);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
while (Date.now() < Number(startAt)) sleep(1);
const deadline = Date.now() + 60_000;
let refusals = 0;
for (;;) {
  let release;
  try {
    release = lockStore(dir);
  } catch (e) {
    if (!/in use by another recon process \(pid \d+/.test(e.message)) throw e;
    if (Date.now() > deadline) throw new Error(`never got the lock: ${e.message}`);
    refusals++;
    sleep(1);
    continue;
  }
  const acquired = process.hrtime.bigint();
  sleep(Number(holdMs));
  const released = process.hrtime.bigint();
  appendFileSync(log, `${process.pid} ${acquired} ${released} ${refusals}\n`);
  if (end === 'release') release();
  process.exit(0); // 'leave': the lock stays behind with a dead holder
}
