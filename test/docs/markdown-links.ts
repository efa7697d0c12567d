/**
 * Checks the links of the README and docs/ the way GitHub renders them: a relative link must name an
 * existing path, and its `#anchor` a heading of the linked markdown file. Also finds the repository
 * paths named in plain text (the CLI's help), which must exist too.
 */
import { posix } from 'node:path';

/** What the checker may ask about the repository: paths are repository-relative, with `/`. */
export interface RepoFiles {
  /** Whether a file or a directory exists at `path`. */
  exists(path: string): boolean;
  /** The text of the file at `path`, or undefined when there is none. */
  read(path: string): string | undefined;
}

/** A link that does not resolve, and why. */
export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly reason: string;
}

/** A link target found in markdown, with the line it is on (1-based). */
export interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

const INLINE_CODE = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;
const INLINE_LINK =
  /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>\n]*>|[^()\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)/gm;
const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/**
 * `markdown` with fenced code blocks blanked (same length, newlines kept), since code shows links and
 * headings without making them; line numbers still match.
 */
function withoutFences(markdown: string): string {
  let fence: string | undefined;
  const lines = markdown.split('\n').map((line) => {
    const marker = FENCE_OPEN.exec(line)?.[1];
    if (fence === undefined) {
      if (marker === undefined) return line;
      fence = marker;
      return blank(line);
    }
    if (
      marker !== undefined &&
      marker[0] === fence[0] &&
      marker.length >= fence.length &&
      line.trim() === marker
    )
      fence = undefined;
    return blank(line);
  });
  return lines.join('\n');
}

/** `markdown` with fenced blocks and inline code blanked. */
function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(INLINE_CODE, blank);
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/**
 * The anchor GitHub gives a heading's text (github-slugger's rule): lowercase; drop every character
 * but letters, marks, digits, `_`, `-` and spaces; each space becomes `-`. Inline markup is reduced to
 * its text first (backticks, emphasis, links).
 *
 * @example githubSlug('The admin CLI: `b2a`') // 'the-admin-cli-b2a'
 */
export function githubSlug(heading: string): string {
  // Inside code `<stage>` is text; outside it is an HTML tag, which shows nothing.
  const text = heading
    .split(/(`+[^`]*`+)/)
    .map((part, index) =>
      index % 2 === 1
        ? part.replace(/`/g, '')
        : part.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, ''),
    )
    .join('')
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Every anchor the headings of `markdown` get, in order. A repeated slug gets `-1`, `-2`, … as on
 * GitHub, skipping a suffixed slug that is already taken.
 */
export function headingAnchors(markdown: string): string[] {
  const occurrences = new Map<string, number>();
  const anchors: string[] = [];
  for (const match of withoutFences(markdown).matchAll(ATX_HEADING)) {
    const base = githubSlug(match[2] ?? '');
    let slug = base;
    while (occurrences.has(slug)) {
      const next = (occurrences.get(base) ?? 0) + 1;
      occurrences.set(base, next);
      slug = `${base}-${next}`;
    }
    occurrences.set(slug, 0);
    anchors.push(slug);
  }
  return anchors;
}

/** The targets of the inline links, images and reference definitions of `markdown`, outside code. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const text = withoutCode(markdown);
  const links: MarkdownLink[] = [];
  for (const pattern of [INLINE_LINK, REFERENCE_DEFINITION]) {
    for (const match of text.matchAll(pattern)) {
      const raw = match[1] ?? '';
      links.push({ target: raw.replace(/^<|>$/g, ''), line: lineAt(text, match.index) });
    }
  }
  return links.sort((a, b) => a.line - b.line);
}

/** Why `target`, linked from `file`, does not resolve; undefined when it does or is not relative. */
function problemOf(file: string, target: string, repo: RepoFiles): string | undefined {
  if (EXTERNAL.test(target) || target.startsWith('//')) return undefined;
  const hashAt = target.indexOf('#');
  const pathPart = hashAt === -1 ? target : target.slice(0, hashAt);
  let anchor: string | undefined;
  let resolved: string;
  try {
    anchor = hashAt === -1 ? undefined : decodeURIComponent(target.slice(hashAt + 1));
    resolved =
      pathPart === ''
        ? file
        : posix.normalize(posix.join(posix.dirname(file), decodeURI(pathPart))).replace(/\/$/, '');
  } catch {
    return 'is not a valid URL';
  }
  if (resolved.startsWith('../') || posix.isAbsolute(resolved)) return 'points outside the repository';
  if (!repo.exists(resolved)) return `${resolved} does not exist`;
  if (anchor === undefined || !resolved.endsWith('.md')) return undefined;
  const anchors = headingAnchors(repo.read(resolved) ?? '');
  return anchors.includes(anchor) ? undefined : `${resolved} has no heading #${anchor}`;
}

/** The relative links of the markdown file `file` that do not resolve in `repo`. */
export function brokenLinks(file: string, repo: RepoFiles): BrokenLink[] {
  const markdown = repo.read(file);
  if (markdown === undefined) return [{ file, line: 0, target: file, reason: 'the file does not exist' }];
  return markdownLinks(markdown).flatMap(({ target, line }) => {
    const reason = problemOf(file, target, repo);
    return reason === undefined ? [] : [{ file, line, target, reason }];
  });
}

const PATH_TOKEN = /(?<![\w./<>:-])(?:[\w.-]+\/)+[\w.-]*[\w-]|(?<![\w./<>:-])[\w.-]+\.md\b/g;

/**
 * The repository paths named in plain `text`: tokens such as `docs/local.md` or `cli/program.ts`
 * whose first segment is one of `topLevel` (the repository's top-level entries), and any `*.md` file.
 * Placeholders (`<data-dir>/inbox/`), absolute paths and URLs are not repository paths.
 *
 * @example repoPathsIn('See docs/local.md.', ['docs']) // ['docs/local.md']
 */
export function repoPathsIn(text: string, topLevel: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const [token] of text.matchAll(PATH_TOKEN)) {
    const first = token.split('/')[0] ?? '';
    if (topLevel.includes(first) || token.endsWith('.md')) paths.add(token);
  }
  return [...paths];
}
