import { createHmac } from 'node:crypto';

/**
 * A deliberately narrow substitution of the IML the generator writes. It is NOT Make's IML
 * engine and proves nothing about how Make evaluates these expressions; it lets the tests
 * check that, *if* Make evaluates them as documented, the requests come out as core builds
 * them. It knows exactly these forms, and throws on anything else so that a generator change
 * cannot slip past it unevaluated:
 *
 *   paths          parameters.x, connection.x, webhook.x, body.a.b, headers.`x-name`, statusCode
 *   literals       "text", 12, true, false, undefined
 *   functions      ifempty(a; b)   a unless a is undefined, null, "" or []
 *                  if(c; a; b)     a when c is truthy (non-empty), else b
 *                  toCollection(list; "key"; "value")   [{key, value}] → {key: value}
 *                  join(list; ",")
 *                  sha256(text; "hex"; key)   HMAC-SHA256 when a key is given
 *   comparison     a = b
 *
 * Assumptions about Make, written down here because the tests rest on them: a string that is
 * one whole `{{…}}` keeps its value's type; a key whose value is undefined is left out of
 * `qs`, `headers` and `body`; values substituted into `url` are URL-encoded (Make's default
 * `encodeUrl`), except an expression that starts the URL (a base address).
 */

export type Scope = Record<string, unknown>;

type Token = { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'p'; v: '(' | ')' | ';' | '=' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out.push({ t: 'str', v: JSON.parse(src.slice(i, j + 1)) as string });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (c === '(' || c === ')' || c === ';' || c === '=') {
      out.push({ t: 'p', v: c });
      i++;
    } else if (/[A-Za-z_`]/.test(c)) {
      // A path: identifiers joined by dots, a segment may be `back-ticked`.
      let j = i;
      while (j < src.length && /[A-Za-z0-9_.`-]/.test(src[j] as string)) {
        if (src[j] === '`') {
          const end = src.indexOf('`', j + 1);
          if (end < 0) throw new Error(`unclosed backtick in ${src}`);
          j = end + 1;
        } else if (src[j] === '-') break;
        else j++;
      }
      out.push({ t: 'id', v: src.slice(i, j) });
      i = j;
    } else {
      throw new Error(`narrow IML: unsupported character "${c}" in {{${src}}}`);
    }
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function resolvePath(path: string, scope: Scope): unknown {
  const parts = path.match(/`[^`]*`|[^.]+/g) ?? [];
  let cur: unknown = scope;
  for (const raw of parts) {
    const key = raw.startsWith('`') ? raw.slice(1, -1) : raw;
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  ifempty: ([a, b]) => (isEmpty(a) ? b : a),
  if: ([c, a, b]) => (isEmpty(c) || c === false ? b : a),
  toCollection: ([list, key, value]) => {
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) throw new Error('toCollection needs a list');
    return Object.fromEntries(list.map((item: Record<string, unknown>) => [String(item[key as string]), item[value as string]]));
  },
  join: ([list, sep]) => (Array.isArray(list) ? list.map(String).join(String(sep)) : undefined),
  sha256: ([text, encoding, key]) => {
    if (encoding !== 'hex') throw new Error('narrow IML: sha256 only with "hex"');
    if (typeof key !== 'string' || typeof text !== 'string') throw new Error('narrow IML: sha256 needs a text and a key');
    return createHmac('sha256', key).update(text).digest('hex');
  },
};

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly scope: Scope,
    private readonly src: string,
  ) {}

  parse(): unknown {
    const left = this.primary();
    const next = this.tokens[this.i];
    if (next?.t === 'p' && next.v === '=') {
      this.i++;
      const right = this.primary();
      this.end();
      return left === right;
    }
    this.end();
    return left;
  }

  private end(): void {
    if (this.i !== this.tokens.length) throw new Error(`narrow IML: unsupported expression {{${this.src}}}`);
  }

  private primary(): unknown {
    const tok = this.tokens[this.i++];
    if (!tok) throw new Error(`narrow IML: unexpected end of {{${this.src}}}`);
    if (tok.t === 'str' || tok.t === 'num') return tok.v;
    if (tok.t !== 'id') throw new Error(`narrow IML: unsupported expression {{${this.src}}}`);
    if (tok.v === 'undefined') return undefined;
    if (tok.v === 'true' || tok.v === 'false') return tok.v === 'true';
    const open = this.tokens[this.i];
    if (open?.t === 'p' && open.v === '(') {
      const fn = FUNCTIONS[tok.v];
      if (!fn) throw new Error(`narrow IML: unsupported function ${tok.v}() in {{${this.src}}}`);
      this.i++;
      const args: unknown[] = [];
      for (;;) {
        args.push(this.primary());
        const sep = this.tokens[this.i++];
        if (sep?.t === 'p' && sep.v === ')') break;
        if (!(sep?.t === 'p' && sep.v === ';')) throw new Error(`narrow IML: expected ; or ) in {{${this.src}}}`);
      }
      return fn(args);
    }
    return resolvePath(tok.v, this.scope);
  }
}

export function evaluateExpression(src: string, scope: Scope): unknown {
  return new Parser(tokenize(src), scope, src).parse();
}

const WHOLE = /^\{\{([^{}]*)\}\}$/s;
const PART = /\{\{([^{}]*)\}\}/gs;

/** A template string: one whole `{{…}}` keeps its type; otherwise the parts are joined as text. */
export function evaluateString(template: string, scope: Scope, encode = false): unknown {
  const whole = WHOLE.exec(template);
  if (whole) return evaluateExpression(whole[1] as string, scope);
  return template.replace(PART, (_, expr: string, offset: number) => {
    const v = evaluateExpression(expr, scope);
    const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    // A URL's leading expression is the base address itself; values after it are path segments.
    return encode && offset > 0 ? encodeURIComponent(s) : s;
  });
}

/** Evaluates every string in a JSON value; keys whose value comes out undefined are left out. */
export function evaluate(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return evaluateString(value, scope);
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = evaluate(v, scope);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

export interface SubstitutedRequest {
  method: string;
  /** Absolute, without the query string. */
  url: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: unknown;
}

interface RequestLike {
  url?: string;
  method?: string;
  headers?: unknown;
  qs?: unknown;
  body?: unknown;
}

/**
 * A module's (or attach's) request with the base applied as Make documents it: a URL starting
 * with "/" goes below the base URL, and the base's headers and query come first, the
 * request's own override them.
 */
export function substituteRequest(req: RequestLike, scope: Scope, base?: RequestLike & { baseUrl?: string }): SubstitutedRequest {
  if (req.url === undefined) throw new Error('request has no url');
  let url = evaluateString(req.url, scope, true) as string;
  if (url.startsWith('/') && base?.baseUrl) url = `${String(evaluateString(base.baseUrl, scope))}${url}`;
  const headers: Record<string, string> = {};
  for (const source of [base?.headers, req.headers]) {
    const h = source === undefined ? {} : (evaluate(source, scope) as Record<string, unknown>);
    for (const [k, v] of Object.entries(h)) headers[k.toLowerCase()] = String(v);
  }
  const qs = { ...((base?.qs ? evaluate(base.qs, scope) : {}) as Record<string, unknown>), ...((req.qs ? evaluate(req.qs, scope) : {}) as Record<string, unknown>) };
  const query = Object.entries(qs).map(([k, v]) => [k, String(v)] as [string, string]);
  return {
    method: req.method ? String(evaluateString(req.method, scope)) : 'GET',
    url,
    query,
    headers,
    body: req.body === undefined ? undefined : evaluate(req.body, scope),
  };
}
