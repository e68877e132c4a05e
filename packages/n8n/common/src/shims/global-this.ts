/**
 * Injected by the build in place of `globalThis`, which n8n nodes may not touch. zod keeps
 * its global config and schema registry there so that several copies can share them; the
 * bundle holds one copy, so a module-level object serves the same purpose without reaching
 * into n8n's process-wide state.
 */
const scope: Record<string, unknown> = {};

export { scope as globalThis };
