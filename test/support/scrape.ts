/** One scrape of a Prometheus endpoint. */
export interface Scrape {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  /** The value of one series, written exactly as exposed (`name{label="value",…}`); null when absent. */
  value(series: string): number | null;
}

export async function scrape(port: number, token?: string, path = '/metrics'): Promise<Scrape> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, value: (series) => values.get(series) ?? null };
}
