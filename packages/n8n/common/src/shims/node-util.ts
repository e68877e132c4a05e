/**
 * Stands in for `node:util` inside the n8n bundles, which may import only n8n-workflow and
 * node:crypto. Core uses util for nothing but `inspect.custom`, the well-known symbol that
 * keeps the client's key out of console output; Node defines it with Symbol.for, so this
 * is the same symbol.
 */
export const inspect = { custom: Symbol.for('nodejs.util.inspect.custom') };
