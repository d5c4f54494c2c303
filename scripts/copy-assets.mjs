// Build step: the SQL migrations ship beside the compiled store module (dist/src/store/migrations),
// so the code and the schema it expects always come from the same build.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist/src/store/migrations`, { recursive: true, force: true });
cpSync(`${root}src/store/migrations`, `${root}dist/src/store/migrations`, { recursive: true });
