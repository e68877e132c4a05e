import { z } from 'zod';
import { SourceId, timestamp } from './common';

/**
 * `/v1/tokens` (scoped tokens, shown once, stored as SHA-256) and `/v1/me` (what the
 * caller's token may see, so the console and the CLI show only that).
 */
const MAX_TOKEN_SOURCES = 100;
const SOURCES_RULE = `must be a list of 1 to ${MAX_TOKEN_SOURCES} source ids`;
const NAME_RULE = 'must be a name of 1 to 100 characters';

export const TokenCreateBody = z.strictObject({
  name: z.string({ error: NAME_RULE }).min(1, NAME_RULE).max(100, NAME_RULE).describe("e.g. the client's Make connection"),
  sources: z
    .array(SourceId, { error: SOURCES_RULE })
    .min(1, SOURCES_RULE)
    .max(MAX_TOKEN_SOURCES, SOURCES_RULE)
    .overwrite((list) => [...new Set(list)])
    .describe('The sources it may see and manage; each must exist.'),
});

export const Token = z
  .object({
    id: z.string().meta({ examples: ['tok_3hV9cQmZ1pLk'] }),
    name: z.string(),
    sources: z.array(z.string()),
    created_at: timestamp,
    last_used_at: timestamp.nullable(),
  })
  .meta({ id: 'Token' });

export const TokenCreated = z.object({
  id: z.string(),
  name: z.string(),
  sources: z.array(z.string()),
  token: z.string().describe('The bearer token (cbr_…): shown this once, stored only as its SHA-256.'),
  created_at: timestamp,
});

export const TokenList = z.object({ data: z.array(Token) });

export const Me = z.object({
  kind: z.enum(['admin', 'scoped']),
  id: z.string().nullable().describe("The scoped token's id; null for the admin token."),
  name: z.string().nullable(),
  sources: z.array(z.string()).nullable().describe('The sources a scoped token holds; null: every source (admin).'),
});
