import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEMO_ARTICLES,
  DEMO_PAGE_NAME,
  DEMO_SITE_NAME,
  DEMO_SOCIAL_POSTS,
  type DemoArticle,
  type DemoSocialPost,
} from './content.js';

export const DEMO_SOCIAL_PATH = '/mxh/hoi-nguoi-yeu-pleiku';

export interface DemoWeb {
  readonly url: string;
  readonly rssUrl: string;
  readonly socialUrl: string;
  close(): Promise<void>;
}

/**
 * Serves the bundled demo web on loopback: a news site (home page, RSS feed, article pages
 * with JSON-LD and OpenGraph) and a social-network-style page whose posts are rendered in the
 * browser by JavaScript from a JSON feed, like real social pages.
 */
export async function startDemoWeb(options: { port?: number; host?: string } = {}): Promise<DemoWeb> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    try {
      route(req, res, `http://${req.headers.host ?? host}`);
    } catch {
      send(res, 500, 'text/plain; charset=utf-8', 'Lỗi máy chủ');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  return {
    url,
    rssUrl: `${url}/rss.xml`,
    socialUrl: `${url}${DEMO_SOCIAL_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Reply = readonly [status: number, type: string, body: string];

function route(req: IncomingMessage, res: ServerResponse, base: string): void {
  const [status, type, body] = resolve(req, base);
  send(res, status, type, body);
}

function resolve(req: IncomingMessage, base: string): Reply {
  const url = new URL(req.url ?? '/', base);
  const path = url.pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return [405, 'text/plain; charset=utf-8', 'Method not allowed'];
  if (path === '/robots.txt') return [200, 'text/plain; charset=utf-8', 'User-agent: *\nAllow: /\n'];
  if (path === '/') return [200, HTML, homePage(base)];
  if (path === '/rss.xml') return [200, 'application/rss+xml; charset=utf-8', rss(base)];
  const article = /^\/bai-viet\/([a-z0-9-]+)$/.exec(path);
  if (article) {
    const a = DEMO_ARTICLES.find((x) => x.slug === article[1]);
    return a ? [200, HTML, articlePage(a, base)] : [404, HTML, notFound()];
  }
  if (path === DEMO_SOCIAL_PATH) return [200, HTML, socialShell(base)];
  const permalink = new RegExp(`^${DEMO_SOCIAL_PATH}/posts/(\\d+)$`).exec(path);
  if (permalink) {
    const p = DEMO_SOCIAL_POSTS.find((x) => x.id === permalink[1]);
    return p ? [200, HTML, postPage(p, base)] : [404, HTML, notFound()];
  }
  if (path === '/static/feed.js') return [200, 'text/javascript; charset=utf-8', FEED_JS];
  if (path === '/api/feed') {
    const cursor = Math.max(0, Number(url.searchParams.get('cursor') ?? '0') || 0);
    const size = 3;
    const page = DEMO_SOCIAL_POSTS.slice(cursor, cursor + size).map((p) => feedItem(p, base));
    const next = cursor + size < DEMO_SOCIAL_POSTS.length ? cursor + size : null;
    return [200, 'application/json; charset=utf-8', JSON.stringify({ posts: page, next })];
  }
  return [404, HTML, notFound()];
}

const HTML = 'text/html; charset=utf-8';

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
  res.end(body);
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function articleUrl(a: DemoArticle, base: string): string {
  return `${base}/bai-viet/${a.slug}`;
}

function layout(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${head}</head>
<body>
<header class="site-header"><a href="/">${esc(DEMO_SITE_NAME)}</a>
<nav class="menu"><a href="/">Trang chủ</a> <a href="/">Thời sự</a> <a href="/">Sức khỏe</a> <a href="/">Kinh tế</a> <a href="${DEMO_SOCIAL_PATH}">Cộng đồng</a></nav>
</header>
${body}
<footer class="site-footer">© ${esc(DEMO_SITE_NAME)} — trang tin minh họa của hệ thống Kiểm Chứng. Liên hệ quảng cáo: 0900 000 000</footer>
</body></html>`;
}

function homePage(base: string): string {
  const items = DEMO_ARTICLES.map(
    (a) => `<li class="story"><a href="${esc(articleUrl(a, base))}">${esc(a.title)}</a><p>${esc(a.summary)}</p></li>`,
  ).join('\n');
  return layout(
    DEMO_SITE_NAME,
    `<main><h1>Tin mới</h1><ul class="stories">${items}</ul></main>`,
    `<link rel="alternate" type="application/rss+xml" href="${base}/rss.xml">`,
  );
}

function rss(base: string): string {
  const items = DEMO_ARTICLES.map(
    (a) => `<item><title>${esc(a.title)}</title><link>${esc(articleUrl(a, base))}</link>
<guid isPermaLink="true">${esc(articleUrl(a, base))}</guid><description>${esc(a.summary)}</description>
<pubDate>${new Date(a.publishedAt).toUTCString()}</pubDate><category>${esc(a.section)}</category></item>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${esc(DEMO_SITE_NAME)}</title><link>${base}/</link>
<description>Tin tức tỉnh Gia Lai</description><language>vi</language>
${items}
</channel></rss>`;
}

function articlePage(a: DemoArticle, base: string): string {
  const url = articleUrl(a, base);
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: a.title,
    description: a.summary,
    articleBody: a.paragraphs.join('\n\n'),
    datePublished: a.publishedAt,
    author: { '@type': 'Person', name: a.author },
    publisher: { '@type': 'Organization', name: DEMO_SITE_NAME },
    articleSection: a.section,
    mainEntityOfPage: url,
    inLanguage: 'vi',
  }).replace(/</g, '\\u003c');
  const head = `
<link rel="canonical" href="${esc(url)}">
<meta property="og:type" content="article"><meta property="og:title" content="${esc(a.title)}">
<meta property="og:description" content="${esc(a.summary)}"><meta property="og:url" content="${esc(url)}">
<meta property="article:published_time" content="${esc(a.publishedAt)}"><meta name="author" content="${esc(a.author)}">
<script type="application/ld+json">${jsonLd}</script>`;
  const body = `<main><article class="article">
<div class="breadcrumb">${esc(a.section)}</div>
<h1 class="title">${esc(a.title)}</h1>
<div class="meta"><span class="author">${esc(a.author)}</span> · <time datetime="${esc(a.publishedAt)}">${esc(vnDate(a.publishedAt))}</time></div>
<p class="sapo"><strong>${esc(a.summary)}</strong></p>
<div class="content">${a.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}</div>
</article>
<aside class="ads">Quảng cáo: Máy lọc không khí giảm 50% hôm nay!</aside>
<section class="comments"><h2>Bình luận</h2><div class="comment">Cảm ơn tòa soạn!</div></section></main>`;
  return layout(a.title, body, head);
}

function vnDate(iso: string): string {
  const d = new Date(iso);
  const local = new Date(d.getTime() + 7 * 3600_000);
  const dd = String(local.getUTCDate()).padStart(2, '0');
  const mm = String(local.getUTCMonth() + 1).padStart(2, '0');
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mi = String(local.getUTCMinutes()).padStart(2, '0');
  return `${dd}/${mm}/${local.getUTCFullYear()} ${hh}:${mi} (GMT+7)`;
}

function feedItem(p: DemoSocialPost, base: string) {
  return {
    id: p.id,
    permalink: `${base}${DEMO_SOCIAL_PATH}/posts/${p.id}`,
    author: { handle: p.authorHandle, name: p.authorName, url: `${base}/mxh/u/${p.authorHandle}` },
    text: p.text,
    time: p.postedAt,
    reactions: p.reactions,
    comments: p.comments,
    shares: p.shares,
  };
}

function socialShell(_base: string): string {
  return layout(
    DEMO_PAGE_NAME,
    `<main id="page" data-page-name="${esc(DEMO_PAGE_NAME)}"><h1>${esc(DEMO_PAGE_NAME)}</h1>
<p class="page-about">Nhóm cộng đồng chia sẻ tin tức Pleiku · 48 nghìn thành viên</p>
<div id="feed" role="feed" aria-busy="true"></div>
<button id="more" hidden>Xem thêm bài viết</button></main>
<script src="/static/feed.js" defer></script>`,
  );
}

function postPage(p: DemoSocialPost, base: string): string {
  const item = feedItem(p, base);
  return layout(
    `${p.authorName} — ${DEMO_PAGE_NAME}`,
    `<main><article class="post" data-post-id="${esc(p.id)}"><a class="author" href="${esc(item.author.url)}" data-handle="${esc(p.authorHandle)}">${esc(p.authorName)}</a>
<time datetime="${esc(p.postedAt)}">${esc(vnDate(p.postedAt))}</time><div class="post-text">${esc(p.text)}</div></article></main>`,
  );
}

function notFound(): string {
  return layout('Không tìm thấy trang', '<main><h1>404 — Không tìm thấy trang</h1></main>');
}

/** Client script of the social page: posts exist only after it runs, as on real social sites. */
const FEED_JS = `(() => {
  const feed = document.getElementById('feed');
  const more = document.getElementById('more');
  let cursor = 0;
  let loading = false;
  function card(p) {
    const el = document.createElement('article');
    el.className = 'post';
    el.dataset.postId = p.id;
    const head = document.createElement('div');
    head.className = 'post-head';
    const a = document.createElement('a');
    a.className = 'author';
    a.href = p.author.url;
    a.dataset.handle = p.author.handle;
    a.textContent = p.author.name;
    const t = document.createElement('a');
    t.className = 'permalink';
    t.href = p.permalink;
    const time = document.createElement('time');
    time.dateTime = p.time;
    time.textContent = new Date(p.time).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
    t.appendChild(time);
    head.append(a, ' · ', t);
    const text = document.createElement('div');
    text.className = 'post-text';
    text.textContent = p.text;
    const counts = document.createElement('div');
    counts.className = 'counts';
    counts.innerHTML = '<span class="reactions"></span> lượt thích · <span class="comments"></span> bình luận · <span class="shares"></span> chia sẻ';
    counts.querySelector('.reactions').textContent = p.reactions;
    counts.querySelector('.comments').textContent = p.comments;
    counts.querySelector('.shares').textContent = p.shares;
    el.append(head, text, counts);
    return el;
  }
  async function load() {
    if (cursor === null || loading) return;
    loading = true;
    feed.setAttribute('aria-busy', 'true');
    const res = await fetch('/api/feed?cursor=' + cursor);
    const data = await res.json();
    for (const p of data.posts) feed.appendChild(card(p));
    cursor = data.next;
    more.hidden = cursor === null;
    feed.setAttribute('aria-busy', 'false');
    loading = false;
  }
  more.addEventListener('click', load);
  window.addEventListener('scroll', () => {
    if (window.innerHeight + window.scrollY >= document.body.offsetHeight - 50) load();
  });
  load();
})();
`;
