import { type CheerioAPI, load } from 'cheerio';
import { parseVietnameseDate } from './dates.js';

export interface ExtractedArticle {
  readonly title: string | null;
  readonly text: string;
  readonly author: string | null;
  readonly publishedAt: string | null;
  readonly canonicalUrl: string | null;
  readonly section: string | null;
  /** The date as printed on the page, when no machine-readable date was found. */
  readonly publishedText: string | null;
}

export interface ExtractSelectors {
  readonly body?: string | undefined;
  readonly title?: string | undefined;
}

/**
 * Extracts an article from its HTML: JSON-LD NewsArticle first, then OpenGraph and meta
 * tags, then the main text of <article>/<main> with menus, ads and comments left out.
 */
export function extractArticle(html: string, pageUrl: string, selectors?: ExtractSelectors): ExtractedArticle {
  // Elements nested thousands deep make the HTML parser slow (each tag looks down the stack of
  // open elements) and overflow the tree walkers; such a page, hostile or broken, is still read,
  // as plain text without its markup. Real articles nest a few dozen deep.
  if (nestingExceeds(html, MAX_NESTING)) return plainTextArticle(html);
  try {
    return extractFromDom(html, pageUrl, selectors);
  } catch (err) {
    if (err instanceof RangeError) return plainTextArticle(html);
    throw err;
  }
}

const MAX_NESTING = 1_000;
/** Elements that never nest: void elements, and p and li, which the parser closes by itself. */
const UNNESTED = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  'p',
  'li',
]);

/** Whether open tags outnumber closed ones by more than `limit` at some point (one linear scan). */
function nestingExceeds(html: string, limit: number): boolean {
  let depth = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(\/?)>/g)) {
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (!m[3] && !UNNESTED.has(m[2]!.toLowerCase()) && ++depth > limit) return true;
  }
  return false;
}

function plainTextArticle(html: string): ExtractedArticle {
  const title = /<title[^>]*>([^<]*)/i.exec(html)?.[1]?.trim() || null;
  const text = decodeEntities(
    html
      .replace(/<(script|style|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
  return {
    title: title ? decodeEntities(title) : null,
    text,
    author: null,
    publishedAt: null,
    canonicalUrl: null,
    section: null,
    publishedText: null,
  };
}

function extractFromDom(html: string, pageUrl: string, selectors?: ExtractSelectors): ExtractedArticle {
  const $ = load(html);
  const ld = newsArticleJsonLd($);
  const meta = (sel: string) => $(sel).attr('content')?.trim() || null;
  const chosenTitle = selectors?.title ? $(selectors.title).first().text().trim() || null : null;
  const title =
    chosenTitle ?? str(ld?.headline) ?? meta('meta[property="og:title"]') ?? ($('h1').first().text().trim() || null);
  const author = authorName(ld?.author) ?? meta('meta[name="author"]');
  const publishedAt =
    isoOrNull(str(ld?.datePublished)) ??
    isoOrNull(meta('meta[property="article:published_time"]')) ??
    isoOrNull($('time[datetime]').first().attr('datetime') ?? null);
  const canonical = $('link[rel="canonical"]').attr('href') ?? meta('meta[property="og:url"]');
  const section = str(ld?.articleSection) ?? meta('meta[property="article:section"]');
  const chosenBody = selectors?.body ? paragraphsOf($(selectors.body).first()) : null;
  const text = chosenBody || (str(ld?.articleBody) ?? mainText($));
  const publishedText = publishedAt
    ? null
    : $('.date, .time, .publish-date, [class*="date"], [class*="time"]').first().text().trim() || null;
  return {
    title,
    text: text.trim(),
    author,
    publishedAt,
    canonicalUrl: canonical ? safeUrl(canonical, pageUrl) : null,
    section,
    publishedText,
  };
}

type Json = Record<string, unknown>;

function newsArticleJsonLd($: CheerioAPI): Json | null {
  const nodes: Json[] = [];
  $('script[type="application/ld+json"]').each((_, el) => {
    try {
      const data = JSON.parse($(el).text()) as unknown;
      const queue: unknown[] = [data];
      while (queue.length > 0) {
        const item = queue.shift();
        if (Array.isArray(item)) queue.push(...item);
        else if (item && typeof item === 'object') {
          const obj = item as Json;
          nodes.push(obj);
          if (Array.isArray(obj['@graph'])) queue.push(...(obj['@graph'] as unknown[]));
        }
      }
    } catch {
      // Broken JSON-LD is common on real sites; fall back to the other sources.
    }
  });
  return (
    nodes.find((n) => {
      const type = n['@type'];
      const types = Array.isArray(type) ? type : [type];
      return types.some((t) => t === 'NewsArticle' || t === 'Article' || t === 'ReportageNewsArticle');
    }) ?? null
  );
}

function mainText($: CheerioAPI): string {
  // The block whose own paragraphs hold the most text is the article body (menus, related
  // links and comments have short paragraphs spread over many blocks).
  $('script, style, noscript, nav, header, footer, aside, form, .ads, .comments, .comment, .related').remove();
  let best: ReturnType<CheerioAPI> | null = null;
  let bestScore = 0;
  const scores = new Map<unknown, number>();
  $('p').each((_, p) => {
    const text = $(p).text().replace(/\s+/g, ' ').trim();
    if (text.length < 25) return;
    const parent = $(p).parent();
    const el = parent.get(0);
    if (!el) return;
    const score = (scores.get(el) ?? 0) + text.length;
    scores.set(el, score);
    if (score > bestScore) {
      bestScore = score;
      best = parent;
    }
  });
  if (best) return paragraphsOf(best);
  const root = $('article').first().length
    ? $('article').first()
    : $('main').first().length
      ? $('main').first()
      : $('body');
  return paragraphsOf(root);
}

const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'nav', 'header', 'footer', 'aside', 'form']);
const SKIP_CLASSES = new Set(['ads', 'comments', 'comment', 'related']);

/** The parts of a parsed node (domhandler's) that the walks below read. */
interface DomNode {
  readonly type: string;
  readonly data?: string;
  readonly name?: string;
  readonly attribs?: Record<string, string>;
  readonly children?: DomNode[];
}

function skipped(el: DomNode): boolean {
  if (el.name && SKIP_TAGS.has(el.name)) return true;
  const cls = el.attribs?.class;
  return cls?.split(/\s+/).some((c) => SKIP_CLASSES.has(c)) ?? false;
}

/** The text under `node`, leaving out skipped elements; an explicit stack, so depth cannot overflow. */
function textOf(node: DomNode): string {
  const out: string[] = [];
  const stack: DomNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') out.push(n.data ?? '');
    else if (n.children && (n === node || !skipped(n))) {
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }
  return out.join('');
}

/**
 * The paragraphs of `root` without menus, ads, scripts and comments, or its whole text when it
 * has no paragraph. One walk over the tree: selector queries on a large detached clone are
 * quadratic (a 20,000-paragraph page took seconds).
 */
function paragraphsOf(root: ReturnType<CheerioAPI>): string {
  const start = root.get(0) as DomNode | undefined;
  if (!start) return '';
  const paragraphs: string[] = [];
  const stack: DomNode[] = [start];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!n.children || n.type === 'comment' || (n !== start && skipped(n))) continue;
    if (n.name === 'p' && n !== start) {
      const t = textOf(n).replace(/\s+/g, ' ').trim();
      if (t) paragraphs.push(t);
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return paragraphs.length > 0 ? paragraphs.join('\n\n') : textOf(start).replace(/\s+/g, ' ').trim();
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? decodeEntities(v.trim()) : null;
}

/** JSON-LD values often carry HTML entities, sometimes encoded twice ("&amp;#7871;"). */
function decodeEntities(s: string): string {
  let out = s;
  for (let i = 0; i < 2 && /&(#\d+|#x[\da-f]+|[a-z]+);/i.test(out); i++)
    out = load(`<x>${out.replace(/</g, '&lt;')}</x>`)('x').text();
  return out;
}

function authorName(v: unknown): string | null {
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return authorName(v[0]);
  if (v && typeof v === 'object') return str((v as Json).name);
  return null;
}

/** Machine-readable dates without an offset are Vietnam time, not the crawler's time zone. */
function isoOrNull(v: string | null): string | null {
  return parseVietnameseDate(v);
}

function safeUrl(href: string, base: string): string | null {
  try {
    return new URL(href, base).toString();
  } catch {
    return null;
  }
}
