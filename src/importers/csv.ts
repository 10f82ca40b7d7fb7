import { CsvError } from 'csv-parse';
import { FatalImportError } from './run.js';

/** A csv-parse error as the fatal error of a file that cannot be read as CSV; other errors pass through. */
export function csvFatal(e: unknown): unknown {
  if (!(e instanceof CsvError)) return e;
  const line = (e as CsvError & { lines?: number }).lines;
  return new FatalImportError(`The file is not readable as CSV${line ? ` near line ${line}` : ''}: ${e.message}`, line);
}
