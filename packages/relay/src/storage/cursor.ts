/** Opaque page cursors: callers pass back what they were given and nothing else. */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this relay handed out; start again without it');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(position: number): string {
  return Buffer.from(`p:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^p:(\d{1,15})$/.exec(text);
  if (!m) throw new InvalidCursorError();
  return Number(m[1]);
}
