/**
 * A command line the command cannot run with: an unknown option, an unexpected argument, a bad or
 * missing value. The commands exit 2 on it, with the usage; 1 is left for failures while running.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Parses `--name value` (or `--name=value`) options and `--flag` switches into a map; positional
 * arguments are refused. A switch takes no value (`--reset=false`, `--reset no` are errors, not a
 * reset), and an option needs one.
 */
export function parseArgs(argv: readonly string[], known: readonly string[], switches: readonly string[] = ['help']): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i];
    if (!token.startsWith('--')) {
      const previous = argv[i - 1]?.slice(2);
      const hint = previous !== undefined && switches.includes(previous) ? ` (--${previous} takes no value)` : '';
      throw new UsageError(`unexpected argument: ${token}${hint}`);
    }
    const equals = token.indexOf('=');
    const name = equals === -1 ? token.slice(2) : token.slice(2, equals);
    const inline = equals === -1 ? undefined : token.slice(equals + 1);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}; known: ${known.map((k) => `--${k}`).join(', ')}`);
    if (switches.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value: leave it out, or give it alone`);
      args.set(name, 'true');
    } else if (inline !== undefined) args.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args.set(name, argv[(i += 1)]);
    else throw new UsageError(`--${name} needs a value`);
  }
  return args;
}

/** A whole number from 1 up, written in decimal digits (not `1e3`, not `0x10`). */
export function positiveInt(args: Map<string, string>, name: string, fallback: number): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer`);
  return value;
}

/** Ends the process on a usage error: its message on one line, then the usage, and exit code 2. */
export function exitOnUsageError(error: unknown, command: string, usage: string): void {
  if (!(error instanceof UsageError)) return;
  process.stderr.write(`${command}: ${error.message}\n${usage}\n`);
  process.exit(2);
}
