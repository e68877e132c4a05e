import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The README and docs/ speak of this repository alone, and every relative link in them lands:
 * on a file that exists inside the repository and, when it names a heading, on that heading.
 */

const ROOT = resolve(__dirname, '..', '..', '..');

function markdownFiles(): string[] {
  const files = [join(ROOT, 'README.md')];
  for (const name of readdirSync(join(ROOT, 'docs'))) if (name.endsWith('.md')) files.push(join(ROOT, 'docs', name));
  for (const group of ['n8n', 'make']) {
    for (const name of readdirSync(join(ROOT, 'packages', group))) {
      const readme = join(ROOT, 'packages', group, name, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  }
  return files;
}

/** Text outside fenced code blocks, where a heading is a heading. */
function unfenced(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** Text outside fenced code blocks and inline code, where a link is a link. */
function prose(text: string): string {
  return unfenced(text).replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of unfenced(readFileSync(file, 'utf8')).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(m[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  from: string;
  target: string;
}

function links(file: string): Link[] {
  const out: Link[] = [];
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1] ?? '';
    if (/^(https?:|mailto:)/.test(target)) continue;
    out.push({ from: relative(ROOT, file), target });
  }
  return out;
}

/** What is wrong with one link, or undefined when it lands. */
function problem(link: Link): string | undefined {
  const [path = '', anchor] = link.target.split('#');
  const file = path === '' ? join(ROOT, link.from) : resolve(dirname(join(ROOT, link.from)), decodeURIComponent(path));
  if (relative(ROOT, file).startsWith('..')) return 'points outside the repository';
  if (!existsSync(file)) return 'no such file';
  if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) return `no heading #${anchor} in ${relative(ROOT, file)}`;
  return undefined;
}

describe('README and docs', () => {
  const files = markdownFiles();

  it('has links that land, on files and headings inside the repository', () => {
    const all = files.flatMap(links);
    expect(all.length).toBeGreaterThan(30);
    const broken = all.flatMap((l) => {
      const why = problem(l);
      return why === undefined ? [] : [`${l.from}: ${l.target}: ${why}`];
    });
    expect(broken).toEqual([]);
  });

  it('never sends a reader to a document outside the repository', () => {
    const outside = files.filter((f) => /DESIGN\.md|steering repository/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(outside).toEqual([]);
  });

  it('links every docs page from the README', () => {
    const readmeTargets = new Set(links(join(ROOT, 'README.md')).map((l) => l.target.split('#')[0]));
    const pages = readdirSync(join(ROOT, 'docs')).filter((n) => n.endsWith('.md'));
    expect(pages.filter((p) => !readmeTargets.has(`docs/${p}`))).toEqual([]);
  });

  it('checks what it claims to: a missing file, a missing heading and a way out are each caught', () => {
    expect(problem({ from: 'README.md', target: 'docs/no-such-page.md' })).toBe('no such file');
    expect(problem({ from: 'README.md', target: 'docs/cli.md#no-such-heading' })).toMatch(/no heading/);
    expect(problem({ from: 'docs/cli.md', target: '../../outside.md' })).toBe('points outside the repository');
    expect(problem({ from: 'docs/cli.md', target: '#servers' })).toBeUndefined();
    expect(slug('The `callbridge` CLI')).toBe('the-callbridge-cli');
    expect(problem({ from: 'docs/long-run.md', target: 'cli.md#changing-the-encryption-key-relay-rekey' })).toBeUndefined();
  });
});
