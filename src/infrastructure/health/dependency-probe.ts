export interface DependencyProbe {
  readonly name: string;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
}

export const DEPENDENCY_PROBES = Symbol.for('DependencyProbes');
