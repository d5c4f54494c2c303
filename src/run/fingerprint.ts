/**
 * Stage 2, fingerprint: the sha256 of every input file, computed in the pool (of a gzip file, of its
 * decompressed content). Two files of this run with the same data are refused unless --force; files
 * an earlier run loaded are refused in the load stage, under the store lock.
 */
import { InputError } from '../errors.js';
import { settleAll } from '../pool.js';
import type { RunContext } from './context.js';
import type { FilePlan } from './plan-file.js';

export interface Fingerprints {
  /** The sha256 of each input file, in plan order. */
  readonly shas: readonly string[];
  /** The input file of each sha256. */
  readonly bySha: ReadonlyMap<string, FilePlan>;
}

export async function fingerprint(run: RunContext): Promise<Fingerprints> {
  const { plans } = run.inputs;
  run.progress.stage('fingerprinting input files');
  const shas = await settleAll(plans.map((p) => run.pool.run(p.readPath, { name: 'hashFile' }) as Promise<string>));
  const bySha = new Map<string, FilePlan>();
  plans.forEach((p, i) => {
    const other = bySha.get(shas[i]!);
    if (other && !run.options.force && p.chunks.length > 0)
      throw new InputError(p.shown, `has the same content as ${other.shown}; use --force to load both`);
    bySha.set(shas[i]!, p);
  });
  return { shas, bySha };
}
