/**
 * The Prometheus registry of one process's container (a prom-client `Registry`): every metric
 * of the container registers there, so that two containers in one process (tests) never share
 * or collide.
 */
export const METRICS_REGISTRY = Symbol.for('MetricsRegistry');
