import { describe, expect, it } from 'vitest';
import { extractArticle, feedLinks } from '../src/index.js';

describe('extractArticle', () => {
  it('prefers JSON-LD NewsArticle, in a @graph too', () => {
    const html = `<html><head>
      <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},
        {"@type":"NewsArticle","headline":"Tiêu đề","articleBody":"Nội dung bài","datePublished":"2021-07-19T10:30:00+07:00",
         "author":[{"@type":"Person","name":"Minh Khang"}],"articleSection":"Sức khỏe"}]}</script>
      <link rel="canonical" href="/bai/1"></head><body><h1>Khác</h1></body></html>`;
    expect(extractArticle(html, 'https://tin.example.vn/bai/1?utm_source=fb')).toEqual({
      title: 'Tiêu đề',
      text: 'Nội dung bài',
      author: 'Minh Khang',
      publishedAt: '2021-07-19T03:30:00.000Z',
      canonicalUrl: 'https://tin.example.vn/bai/1',
      section: 'Sức khỏe',
      publishedText: null,
    });
  });

  it('falls back to OpenGraph and the main text, leaving out menus, ads and comments', () => {
    const html = `<html><head><meta property="og:title" content="Tin OG"><meta name="author" content="Thu Hà">
      <meta property="article:published_time" content="2021-07-21T16:30:00+07:00">
      <script type="application/ld+json">{ broken json</script></head>
      <body><nav><p>Trang chủ</p></nav><article><h1>Tin OG</h1><p>Đoạn một.</p><aside class="ads"><p>Quảng cáo</p></aside>
      <p>Đoạn  hai.</p><div class="comments"><p>Bình luận</p></div></article><footer><p>©</p></footer></body></html>`;
    const a = extractArticle(html, 'https://x.vn/a');
    expect(a.title).toBe('Tin OG');
    expect(a.author).toBe('Thu Hà');
    expect(a.publishedAt).toBe('2021-07-21T09:30:00.000Z');
    expect(a.text).toBe('Đoạn một.\n\nĐoạn hai.');
  });

  it('survives malformed HTML', () => {
    const a = extractArticle('<html><body><article><p>Tin <b>đậm<p>tiếp</article></div></span><<<>', 'https://x.vn/');
    expect(a.text).toContain('Tin');
    expect(a.title).toBeNull();
  });
});

describe('feedLinks', () => {
  it('reads RSS 2.0 and Atom item links, resolving relative ones and skipping broken ones', () => {
    const rss = `<?xml version="1.0"?><rss><channel><link>https://x.vn/</link>
      <item><link>https://x.vn/a</link></item><item><link>/b</link></item><item><link>http://[::1</link></item></channel></rss>`;
    expect(feedLinks(rss, 'https://x.vn/rss')).toEqual(['https://x.vn/a', 'https://x.vn/b']);
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://x.vn/c"/></entry>
      <entry><link rel="edit" href="https://x.vn/edit"/><link href="https://x.vn/d"/></entry></feed>`;
    expect(feedLinks(atom, 'https://x.vn/atom')).toEqual(['https://x.vn/c', 'https://x.vn/d']);
  });
});
