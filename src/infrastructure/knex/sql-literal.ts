/** A string as a SQL literal, quotes doubled: for the service's own constants written into SQL. */
export const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Strings as a comma-separated list of SQL literals, as inside `IN (…)` or `ARRAY[…]`. */
export const sqlStringList = (values: readonly string[]): string => values.map(sqlString).join(', ');
