// redlock 5's package exports hide its bundled declarations from `nodenext` resolution (and a
// tsconfig `paths` alias to them would make tsx load the declaration file at run time), so the
// part of its API the lock adapter uses is declared here, as redlock's own declarations state it.
declare module 'redlock' {
  import { EventEmitter } from 'node:events';
  import type { Redis } from 'ioredis';

  export interface Settings {
    readonly driftFactor: number;
    readonly retryCount: number;
    readonly retryDelay: number;
    readonly retryJitter: number;
    readonly automaticExtensionThreshold: number;
  }

  export interface Lock {
    readonly resources: string[];
    readonly value: string;
    /** When the lease ends, in milliseconds since the epoch. */
    expiration: number;
  }

  export default class Redlock extends EventEmitter {
    constructor(clients: Iterable<Redis>, settings?: Partial<Settings>);
    acquire(resources: string[], duration: number, settings?: Partial<Settings>): Promise<Lock>;
    extend(existing: Lock, duration: number, settings?: Partial<Settings>): Promise<Lock>;
    release(lock: Lock, settings?: Partial<Settings>): Promise<unknown>;
  }
}
