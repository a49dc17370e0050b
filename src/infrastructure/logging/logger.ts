import pino, { type Logger } from 'pino';

export type { Logger };

export const LOGGER = Symbol.for('Logger');

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', '*.password', '*.refresh'], censor: '[redacted]' },
  });
}
