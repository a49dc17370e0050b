import pino, { type DestinationStream, type Logger } from 'pino';
import { serviceIdentity } from './service-identity';

export type { Logger };

export const LOGGER = Symbol.for('Logger');

/** JSON lines on stdout (or `destination`), each naming the service and its version. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { ...serviceIdentity() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', '*.password', '*.refresh'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
