/**
 * Parses `--name value` (or `--name=value`) options and `--flag` switches into a map; positional
 * arguments are refused. A switch takes no value: `--reset=false` is an error, not a reset.
 */
export function parseArgs(argv: readonly string[], known: readonly string[], switches: readonly string[] = ['help']): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i];
    if (!token.startsWith('--')) throw new Error(`unexpected argument: ${token}`);
    const [name, inline] = token.slice(2).split('=', 2);
    if (!known.includes(name)) throw new Error(`unknown option --${name}; known: ${known.map((k) => `--${k}`).join(', ')}`);
    if (switches.includes(name)) {
      if (inline !== undefined) throw new Error(`--${name} takes no value: leave it out, or give it alone`);
      args.set(name, 'true');
    } else if (inline !== undefined) args.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args.set(name, argv[(i += 1)]);
    else args.set(name, 'true');
  }
  return args;
}

/** A whole number from 1 up, written in decimal digits (not `1e3`, not `0x10`). */
export function positiveInt(args: Map<string, string>, name: string, fallback: number): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}
