/**
 * Typed arrays a task needs only while it runs (hash tables, per-row marks and lists), handed out
 * from one buffer the worker keeps from task to task. Fresh memory costs a page fault per 4 KB on
 * this VM (~5–11 µs each); a join task allocated ~12 MB of such arrays, and in a 2M run each worker
 * took ~30,000 faults in its joins (bench/RESULTS.md).
 *
 * Arrays come uninitialised (they hold what an earlier task left): callers fill what they read
 * before writing. A task that needs more than the buffer holds gets fresh arrays for the rest, and
 * the buffer is sized for it at the next task. Only one task holds the scratch at a time: `begin`
 * refuses a second (a task that yields while holding it must not have its arrays handed out again).
 */
export class Scratch {
  private buffer = new ArrayBuffer(0);
  private at = 0;
  private wanted = 0;
  private held = false;

  /** Starts a task's use, freeing every array handed out before; false when a task holds it. */
  begin(): boolean {
    if (this.held) return false;
    this.held = true;
    if (this.buffer.byteLength < this.wanted) this.buffer = new ArrayBuffer(Math.ceil(this.wanted * 1.25));
    this.at = 0;
    this.wanted = 0;
    return true;
  }

  end(): void {
    this.held = false;
  }

  /** Lets the buffer go when no task holds it (the tasks that needed it are over). */
  release(): void {
    if (this.held) return;
    this.buffer = new ArrayBuffer(0);
    this.wanted = 0;
  }

  i32(n: number): Int32Array {
    const at = this.take(n * 4);
    return at < 0 ? new Int32Array(n) : new Int32Array(this.buffer, at, n);
  }

  u8(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(n) : new Uint8Array(this.buffer, at, n);
  }

  f64(n: number): Float64Array {
    const at = this.take(n * 8);
    return at < 0 ? new Float64Array(n) : new Float64Array(this.buffer, at, n);
  }

  /** Byte offset of `bytes` in the buffer (8-aligned), or −1 when they do not fit. */
  private take(bytes: number): number {
    const need = (bytes + 7) & ~7;
    this.wanted += need;
    if (!this.held || this.at + need > this.buffer.byteLength) return -1;
    const at = this.at;
    this.at += need;
    return at;
  }
}
