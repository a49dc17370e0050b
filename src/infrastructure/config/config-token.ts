export const CONFIG = Symbol.for('Config');
