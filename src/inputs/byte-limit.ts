/**
 * A bound on what a decompression may write (issue 23): a zip entry may inflate to its declared
 * size, a gzip input to --max-inflate-ratio times its compressed size. The bound is checked on every
 * chunk the inflater puts out, before the chunk goes on, so a bomb stops at the bound, not at its end.
 */
import { Transform } from 'node:stream';

/** Thrown (through the pipeline) by a ByteLimit when its bound is passed. */
export class ByteLimitError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
    this.name = 'ByteLimitError';
  }
}

/**
 * A pass-through stream that fails with a ByteLimitError as soon as more than `limit` bytes have
 * come in; the chunk that passes the bound is not passed on, so at most `limit` bytes go out.
 */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null, data?: Buffer) => void): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new ByteLimitError(this.limit));
    else done(null, chunk);
  }
}
