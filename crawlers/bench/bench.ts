/**
 * `npm run bench -w crawlers`: pages per second of the news crawler on a local fixture site of
 * 300 articles, beside plain HTTP GETs of the same pages at the same concurrency (the ratio is
 * the crawler's overhead: extraction, evidence, politeness); and posts per second of the social
 * crawler on a JavaScript feed of 200 posts in Chromium. Figures, not assertions.
 */

import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsEvidenceStore } from '@kc/pipeline';
import { NewsCrawler, SocialPageCrawler, type Source } from '../src/index.js';

const ARTICLES = 300;
const POSTS = 200;
const para = 'Sở Y tế tỉnh thông báo lịch tiêm vắc xin mũi 3 tại các trạm y tế phường, xã trên địa bàn thành phố. ';
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const base = `http://${req.headers.host}`;
  if (url.pathname === '/robots.txt') return res.writeHead(404).end();
  if (url.pathname === '/rss.xml') {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    const items = Array.from({ length: ARTICLES }, (_, i) => `<item><link>${base}/bai/${i}.html</link></item>`).join(
      '',
    );
    return res.end(`<?xml version="1.0"?><rss><channel>${items}</channel></rss>`);
  }
  const m = /^\/bai\/(\d+)\.html$/.exec(url.pathname);
  if (m) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(
      `<!doctype html><html><head><meta charset="utf-8"><title>Tin ${m[1]}</title>` +
        `<meta property="article:published_time" content="2026-11-20T08:00:00+07:00"></head><body><nav>Menu</nav>` +
        `<article><h1>Tin số ${m[1]}</h1>${Array.from({ length: 8 }, () => `<p>${para.repeat(3)}</p>`).join('')}</article></body></html>`,
    );
  }
  if (url.pathname === '/feed') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const data = JSON.stringify(
      Array.from({ length: POSTS }, (_, i) => ({
        id: String(100000 + i),
        text: `${para} (#${i})`,
        author: `nguoi.dung.${i % 17}`,
      })),
    );
    return res.end(`<!doctype html><html><body><div id="f"></div><script>
      const D=${data}; let n=0; function more(){ for (const p of D.slice(n,n+20)) { const a=document.createElement('article');
      a.dataset.postId=p.id; a.innerHTML='<a class="author"></a><a class="permalink"><time></time></a><div class="post-text"></div>';
      a.querySelector('.author').href='/u/'+p.author; a.querySelector('.author').dataset.handle=p.author; a.querySelector('.author').textContent=p.author;
      a.querySelector('.permalink').href='/p/'+p.id; a.querySelector('time').setAttribute('datetime','2026-11-20T08:00:00+07:00');
      a.querySelector('.post-text').textContent=p.text; document.getElementById('f').appendChild(a);} n+=20; }
      more(); window.addEventListener('scroll',()=>{ if (innerHeight+scrollY>=document.body.offsetHeight-50) more(); });
      </script></body></html>`);
  }
  res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const quiet = { info() {}, warn() {}, error() {} };
const ctx = () => ({
  evidence: FsEvidenceStore.create({ dir: mkdtempSync(join(tmpdir(), 'kc-bench-')) }),
  log: quiet,
  chromiumPath: process.env.KC_CHROMIUM_PATH ?? '/usr/bin/chromium',
  publish: async () => {},
});
const source = (over: Partial<Source>): Source => ({
  id: 'bench',
  kind: 'rss',
  url: `${base}/rss.xml`,
  platform: 'web',
  region: null,
  schedule: 'hourly',
  limits: { maxPages: ARTICLES + 10, maxPosts: ARTICLES, maxAgeDays: 3650, delaySeconds: 0 },
  allowPrivateNetwork: 'loopback',
  ...over,
});

// Baseline: the same pages fetched plainly, four at a time.
let t = performance.now();
const urls = Array.from({ length: ARTICLES }, (_, i) => `${base}/bai/${i}.html`);
for (let i = 0; i < urls.length; i += 4)
  await Promise.all(urls.slice(i, i + 4).map((u) => fetch(u).then((r) => r.text())));
const rawRate = ARTICLES / ((performance.now() - t) / 1000);

t = performance.now();
const news = await new NewsCrawler(source({}), ctx()).run();
const newsRate = news.pages / ((performance.now() - t) / 1000);

t = performance.now();
const social = await new SocialPageCrawler(
  source({
    kind: 'social_page',
    url: `${base}/feed`,
    platform: 'facebook',
    limits: { maxPages: 1, maxPosts: POSTS, maxAgeDays: 3650, delaySeconds: 0 },
    selectors: { socialShape: 'generic' },
  }),
  ctx(),
).run();
const socialSeconds = (performance.now() - t) / 1000;

console.log(`node ${process.version}; fixture site on loopback`);
console.log(`plain HTTP GET (4 at a time)   ${rawRate.toFixed(0).padStart(6)} pages/s`);
console.log(
  `news crawler (RSS → articles)  ${newsRate.toFixed(0).padStart(6)} pages/s  (${news.pages} pages, ${news.posts} posts; ${(newsRate / rawRate).toFixed(2)}× plain HTTP)`,
);
console.log(
  `social crawler (Chromium)      ${(social.pages / socialSeconds).toFixed(2).padStart(6)} pages/s, ${(social.posts / socialSeconds).toFixed(1)} posts/s  (${social.posts} posts with a screenshot each, ${socialSeconds.toFixed(1)} s incl. browser start)`,
);
server.close();
