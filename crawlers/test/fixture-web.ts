import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A hostile little web for crawler tests, on loopback: a good article, malformed HTML, a 20 MB
 * page, a redirect loop, a server that hangs, 404, 500, 429 with Retry-After, a robots.txt
 * disallow, a Windows-1258 page, and a redirect to the cloud metadata address.
 */
export interface FixtureWeb {
  readonly url: string;
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

const article = (
  title: string,
  body: string,
  extraHead = '',
) => `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>${title}</title>${extraHead}</head><body><nav><a href="/">Trang chủ</a></nav><article><h1>${title}</h1>
<div class="date">Thứ hai, 19/7/2021, 10:30 (GMT+7)</div>${body}</article></body></html>`;

export async function startFixtureWeb(): Promise<FixtureWeb> {
  const hits = new Map<string, number>();
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const base = `http://${req.headers.host}`;
    const html = (body: string, status = 200, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(body);
    };
    switch (path) {
      case '/robots.txt':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('User-agent: *\nDisallow: /private/\n');
      case '/feed.xml': {
        const items = [
          'ok',
          'malformed',
          'huge',
          'loop',
          'hang',
          'drip',
          'gone',
          'broken',
          'busy',
          'win1258',
          'to-metadata',
        ]
          .map((p) => `<item><link>${base}/a/${p}</link></item>`)
          .join('');
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return res.end(
          `<?xml version="1.0"?><rss><channel>${items}<item><link>${base}/private/secret</link></item></channel></rss>`,
        );
      }
      case '/a/ok': {
        const etag = '"v1"';
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag });
          return res.end();
        }
        return html(article('Tin tốt', '<p>Bài viết bình thường về giá cà phê.</p>'), 200, { etag });
      }
      case '/a/malformed':
        return html('<html><body><article><h1>Tin lỗi<p>Đoạn <b>một<p>Đoạn hai</article></div></span><<<>&&&');
      case '/a/huge': {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < 20) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/a/loop':
        res.writeHead(302, { location: '/a/loop2' });
        return res.end();
      case '/a/loop2':
        res.writeHead(302, { location: '/a/loop' });
        return res.end();
      case '/a/hang':
        hanging.add(res);
        return; // never answers
      case '/feed-hang.xml':
        hanging.add(res);
        return; // a whole source that never answers
      case '/a/drip': {
        // Headers at once, then one byte every 200 ms for ever: never silent, never done.
        hanging.add(res);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.write('<!doctype html><html><body><p>');
        const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write('a')), 200);
        res.on('close', () => clearInterval(drip));
        return;
      }
      case '/a/gone':
        return html('<h1>404</h1>', 404);
      case '/a/broken':
        return html('<h1>500</h1>', 500);
      case '/a/busy':
        if ((hits.get(path) ?? 0) === 1) {
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' });
          return res.end('slow down');
        }
        return html(article('Tin sau khi chờ', '<p>Máy chủ bận rồi trả lời sau một giây.</p>'));
      case '/a/win1258': {
        const body = article(
          'Tin mã cũ',
          '<p>Người dân đừng hoang mang, thông tin phong tỏa là tin giả.</p>',
          '',
        ).replace('<meta charset="utf-8">', '<meta charset="windows-1258">');
        res.writeHead(200, { 'content-type': 'text/html' });
        // glibc's iconv writes real Windows-1258: base letters precomposed, tones as combining marks.
        return res.end(execFileSync('iconv', ['-f', 'UTF-8', '-t', 'CP1258'], { input: body }));
      }
      case '/a/to-metadata':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      case '/private/secret':
        return html(article('Bí mật', '<p>Không được thu thập.</p>'));
      default:
        return html('<h1>404</h1>', 404);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
