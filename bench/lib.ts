import { createScratchDatabase } from '../test/helpers/scratch-database.js';

/** A fresh, migrated database for one benchmark: in-memory PGlite, or a new PostgreSQL database dropped afterwards. */
export const freshDatabase = (url = process.env.DATABASE_URL) => createScratchDatabase(url, 'oda_bench');

export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** Peak resident set size of this process so far, in MB (ru_maxrss is in KB on Linux). */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
