/** A short connection to a PostgreSQL server for test set-up (create and drop databases and roles). */
import pg from 'pg';

export async function serverAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
