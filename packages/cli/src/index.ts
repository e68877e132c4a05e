export { main } from './main';
export { commands } from './commands';
export { defineCommand, expectArgs, helpText, type Command, type CommandDefinition, type Context, type Flags } from './command';
export { UsageError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './errors';
export type { Env, Io, OutputSink } from './io';
export { envNames, resolveProvider, resolveOperation, clientFromEnv, webhookSecret } from './providers';
