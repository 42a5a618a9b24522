/**
 * The read-model phases (incident list, reports): their documents are filled straight into
 * the database, then the API is restarted, since it loads both into memory once at start and
 * afterwards follows only the incident feed. The load is timed apart, then each read.
 */
import mongoose from 'mongoose';
import type { Bench } from './context';
import { awaitListLoaded, fillListRows, listBench } from './list';
import { fillReportDocs, reportBench } from './reports';
import { ms, type Row } from './report';

export async function readModelPhase(
  b: Bench,
  sizes: { list: number; reports: number; skip: Set<string> },
  log: (m: string) => void,
): Promise<{ rows: Row[]; notes: string[] }> {
  const list = !sizes.skip.has('list');
  const reports = !sizes.skip.has('reports');
  const conn = await mongoose.createConnection(b.stack.mongoUri).asPromise();
  try {
    const t0 = Date.now();
    const added = {
      rows: list ? await fillListRows(conn, sizes.list) : 0,
      reports: reports ? await fillReportDocs(conn, sizes.reports) : 0,
    };
    const filledMs = Date.now() - t0;
    log(`read model: ${added.rows} list rows and ${added.reports} report documents inserted in ${ms(filledMs)}`);
    await b.stack.killApi();
    await b.stack.startApi();
    const loadMs = await awaitListLoaded(b);
    log(`read model: the restarted API answered the incident list after ${ms(loadMs)}`);
    const rows: Row[] = [];
    if (list) rows.push(await listBench(b, conn, sizes.list, loadMs));
    if (reports) rows.push(await reportBench(b, conn, sizes.reports, log));
    const notes = [
      `Read model: ${added.rows} incident-list rows and ${added.reports} report documents written straight to ` +
        `FerretDB with insertMany (batches of 5,000) in ${ms(filledMs)}; the API restarted and loaded them in ` +
        `${ms(loadMs)} (it answers 503 to list and report requests until then).`,
    ];
    return { rows, notes };
  } finally {
    await conn.close();
  }
}
