/**
 * What memory costs the first time a process writes it, on this machine: ms per MB to write one
 * byte in every 4 KB page of new 64 MB buffers (the kernel must find, clear and map each page), then
 * the same again right after those buffers were freed (the memory the kernel just got back), then
 * once more over the same buffers (mapped already: the price of the writes alone).
 *
 *   GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node --expose-gc dist/bench/fresh-memory.js [MB, default 512]
 *
 * (bin/recon runs with the same GLIBC_TUNABLES: glibc then asks for transparent huge pages.)
 */

function touch(buffers: readonly ArrayBuffer[]): number {
  const t = performance.now();
  for (const b of buffers) {
    const u = new Uint8Array(b);
    for (let i = 0; i < u.length; i += 4096) u[i] = 1;
  }
  return performance.now() - t;
}

function allocate(mb: number): ArrayBuffer[] {
  return Array.from({ length: Math.ceil(mb / 64) }, () => new ArrayBuffer(64 << 20));
}

function main(): void {
  const mb = Number(process.argv[2] ?? 512);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    process.stderr.write('run with node --expose-gc\n');
    process.exit(2);
  }
  const perMb = (ms: number): string => `${(ms / mb).toFixed(3)} ms/MB`;
  let buffers = allocate(mb);
  const fresh = touch(buffers);
  const again = touch(buffers);
  buffers = [];
  gc();
  buffers = allocate(mb);
  const reused = touch(buffers);
  console.log(
    `${mb} MB: new memory ${perMb(fresh)}, memory just freed ${perMb(reused)}, already mapped ${perMb(again)}`,
  );
}

main();
