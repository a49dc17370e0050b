import { MultiBar, Presets } from 'cli-progress';

/** Progress of one named step of a command. */
export interface ProgressStep {
  /** The step's total, once it is known or when it grows. */
  setTotal(total: number): void;
  update(done: number): void;
  advance(amount: number): void;
  finish(): void;
}

export interface Progress {
  step(name: string, total: number): ProgressStep;
  stop(): void;
}

/**
 * Progress bars on a terminal; elsewhere (CI logs, `docker logs`, a redirect to a file) one line
 * when a step starts and one when it ends, since a bar there would print only its last frame.
 */
export function progress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? terminalBars(stream) : logLines(stream);
}

/** Step names are padded to this width, so that the bars line up. */
const NAME_WIDTH = 24;

function terminalBars(stream: NodeJS.WriteStream): Progress {
  const bars = new MultiBar(
    { stream, format: '{step} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}', hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  return {
    step(name, total) {
      let known = Math.max(total, 1);
      const bar = bars.create(known, 0, { step: name.padEnd(NAME_WIDTH) });
      return {
        setTotal: (next) => bar.setTotal((known = Math.max(next, 1))),
        update: (done) => bar.update(done),
        advance: (amount) => bar.increment(amount),
        finish: () => bar.update(known),
      };
    },
    stop: () => bars.stop(),
  };
}

function logLines(stream: NodeJS.WriteStream): Progress {
  return {
    step(name) {
      const started = Date.now();
      let finished = false;
      stream.write(`${name}…\n`);
      return {
        setTotal: () => undefined,
        update: () => undefined,
        advance: () => undefined,
        finish: () => {
          if (finished) return;
          finished = true;
          stream.write(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        },
      };
    },
    stop: () => undefined,
  };
}
