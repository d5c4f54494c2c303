/** The per-worker scratch (src/core/scratch.ts): reused from task to task, never handed out twice in one. */
import { describe, expect, it } from 'vitest';
import { Scratch } from '../../src/core/scratch.js';

describe('Scratch', () => {
  it('hands out disjoint arrays within a task, and the same memory to the next task once sized', () => {
    const s = new Scratch();
    expect(s.begin()).toBe(true);
    // The first task finds no buffer: fresh arrays, and the buffer is sized for them at the next begin.
    const a0 = s.i32(1000);
    expect(a0.buffer.byteLength).toBe(4000);
    s.end();
    expect(s.begin()).toBe(true);
    const a = s.i32(1000).fill(7);
    const b = s.f64(10).fill(1.5);
    const c = s.u8(3).fill(255);
    expect(a.buffer).toBe(b.buffer);
    expect(b.buffer).toBe(c.buffer);
    expect(Array.from(new Set(a))).toEqual([7]); // b and c did not overwrite a
    expect(b.byteOffset % 8).toBe(0);
    s.end();
    expect(s.begin()).toBe(true);
    const again = s.i32(1000);
    expect(again.buffer).toBe(a.buffer);
    expect(again.byteOffset).toBe(a.byteOffset);
    s.end();
  });

  it('gives fresh arrays past its size and to a task that did not begin, and refuses a second holder', () => {
    const s = new Scratch();
    s.begin();
    s.i32(100);
    s.end();
    expect(s.begin()).toBe(true);
    const inBuffer = s.i32(100);
    const beyond = s.i32(1_000_000);
    expect(beyond.buffer).not.toBe(inBuffer.buffer);
    expect(beyond.length).toBe(1_000_000);
    expect(s.begin()).toBe(false);
    s.end();
    const outside = s.i32(10); // not begun: never the shared buffer
    expect(outside.buffer).not.toBe(inBuffer.buffer);
  });
});
