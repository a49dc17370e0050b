/** Rows a block sample of a kind's table reads (whole pages, so only those); its error is then a few per cent. */
const SAMPLE_ROWS = 10_000;

/** The percentage of a table of `rows` that a block sample of about `SAMPLE_ROWS` rows reads: all of a small one. */
export const samplePercent = (rows: number): number => (rows > SAMPLE_ROWS ? (SAMPLE_ROWS / rows) * 100 : 100);
