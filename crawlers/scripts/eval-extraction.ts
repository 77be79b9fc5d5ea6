/**
 * `npm run eval-extraction -w crawlers`: field accuracy of the article extractor on real saved
 * Vietnamese news pages (../shared/data/pages, kept outside the repository), beside Mozilla
 * Readability on the same pages, and the body-text F1 between the two. Also checks that listing
 * pages yield their next-page link. `-- --write-readme` writes the table into crawlers/README.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractArticle, listingLinks, parseVietnameseDate } from '../src/index.js';

const PAGES = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/data/pages');
if (!existsSync(PAGES)) {
  console.error(`no saved pages at ${PAGES}`);
  process.exit(2);
}

interface Truth {
  url: string;
  title?: string;
  title_startswith?: string;
  published_at?: string;
  published_at_raw?: string;
  content_contains?: string[];
  content_contains_lower?: string[];
  content_first_paragraph_startswith?: string;
  next_page_url?: string;
  list_base_url?: string;
}

const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
const tokens = (s: string) =>
  norm(s)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function f1(candidate: string, reference: string): number {
  const ref = new Map<string, number>();
  for (const t of tokens(reference)) ref.set(t, (ref.get(t) ?? 0) + 1);
  const cand = tokens(candidate);
  let overlap = 0;
  for (const t of cand) {
    const n = ref.get(t) ?? 0;
    if (n > 0) {
      overlap++;
      ref.set(t, n - 1);
    }
  }
  const refLen = tokens(reference).length;
  if (cand.length === 0 || refLen === 0) return 0;
  const p = overlap / cand.length;
  const r = overlap / refLen;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

function sameMinute(found: string | null, truth: Truth): boolean | null {
  const expected = truth.published_at
    ? parseVietnameseDate(truth.published_at)
    : truth.published_at_raw
      ? parseVietnameseDate(truth.published_at_raw)
      : null;
  if (!expected) return null;
  return found !== null && Math.abs(Date.parse(found) - Date.parse(expected)) < 60_000;
}

interface Row {
  page: string;
  system: 'kiem-chung' | 'readability';
  title: boolean | null;
  body: boolean | null;
  time: boolean | null;
}

const rows: Row[] = [];
const f1s: { page: string; f1: number }[] = [];
const nextPages: { page: string; ok: boolean }[] = [];
const sets = [
  ['news-sites', JSON.parse(readFileSync(join(PAGES, 'news-sites/ground_truth_from_tests.json'), 'utf8')).pages],
  ['plo', JSON.parse(readFileSync(join(PAGES, 'plo/ground_truth_from_tests.json'), 'utf8')).pages],
] as const;

for (const [dir, pages] of sets) {
  for (const [file, truth] of Object.entries(pages as Record<string, Truth>)) {
    const html = readFileSync(join(PAGES, dir, file), 'utf8');
    if (truth.next_page_url) {
      const { next } = listingLinks(html, truth.list_base_url ?? truth.url);
      nextPages.push({ page: file, ok: next === truth.next_page_url });
      continue;
    }
    const ours = extractArticle(html, truth.url);
    const ourTime = ours.publishedAt ?? parseVietnameseDate(ours.publishedText);
    const { document } = parseHTML(html);
    const r = new Readability(document as unknown as Document).parse();
    const theirs = { title: r?.title ?? '', text: r?.textContent ?? '' };
    const judge = (title: string, body: string, time: string | null): Omit<Row, 'page' | 'system'> => ({
      title: truth.title
        ? norm(title) === norm(truth.title) || norm(title).startsWith(norm(truth.title))
        : truth.title_startswith
          ? norm(title).startsWith(norm(truth.title_startswith))
          : null,
      body: truth.content_contains
        ? truth.content_contains.every((c) => norm(body).includes(norm(c)))
        : truth.content_contains_lower
          ? truth.content_contains_lower.every((c) => norm(body).toLowerCase().includes(norm(c).toLowerCase()))
          : truth.content_first_paragraph_startswith
            ? norm(body).startsWith(norm(truth.content_first_paragraph_startswith))
            : null,
      time: sameMinute(time, truth),
    });
    rows.push({ page: file, system: 'kiem-chung', ...judge(ours.title ?? '', ours.text, ourTime) });
    rows.push({ page: file, system: 'readability', ...judge(theirs.title, theirs.text, null) });
    f1s.push({ page: file, f1: f1(ours.text, theirs.text) });
  }
}

const lines: string[] = [];
const out = (s = '') => {
  lines.push(s);
  console.log(s);
};
const cell = (v: boolean | null) => (v === null ? '—' : v ? 'yes' : 'no');
out(
  '| page | title (ours / Readability) | body text (ours / Readability) | published time (ours) | body F1 vs Readability |',
);
out('|---|---|---|---|---|');
for (const { page, f1: score } of f1s) {
  const o = rows.find((r) => r.page === page && r.system === 'kiem-chung')!;
  const t = rows.find((r) => r.page === page && r.system === 'readability')!;
  out(
    `| ${page} | ${cell(o.title)} / ${cell(t.title)} | ${cell(o.body)} / ${cell(t.body)} | ${cell(o.time)} | ${score.toFixed(3)} |`,
  );
}
const acc = (system: Row['system'], field: 'title' | 'body' | 'time') => {
  const xs = rows.filter((r) => r.system === system && r[field] !== null);
  return `${xs.filter((r) => r[field]).length}/${xs.length}`;
};
const meanF1 = f1s.reduce((s, x) => s + x.f1, 0) / f1s.length;
out();
out(
  `Field accuracy — ours: title ${acc('kiem-chung', 'title')}, body ${acc('kiem-chung', 'body')}, time ${acc('kiem-chung', 'time')}; ` +
    `Readability: title ${acc('readability', 'title')}, body ${acc('readability', 'body')}. Mean body-text F1 against Readability: ${meanF1.toFixed(3)}.`,
);
out(`Listing pages, next-page link found: ${nextPages.filter((n) => n.ok).length}/${nextPages.length}.`);

if (process.argv.includes('--write-readme')) {
  const readme = fileURLToPath(new URL('../README.md', import.meta.url));
  const text = readFileSync(readme, 'utf8');
  const a = text.indexOf('<!-- extraction:start -->');
  const b = text.indexOf('<!-- extraction:end -->');
  writeFileSync(readme, `${text.slice(0, a + 25)}\n${lines.join('\n')}\n${text.slice(b)}`);
}
