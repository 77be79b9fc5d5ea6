/**
 * The HTTP client every crawl goes through (plugged into crawlee as its `httpClient`): it
 * re-checks the SSRF guard on every redirect hop and pins the connection to the address it
 * checked (no DNS rebinding), limits redirects, times out a server that hangs, refuses bodies
 * over a size limit, and decodes any charset (HTTP header, BOM, <meta charset>, Windows-1258)
 * to UTF-8 before crawlee sees the page.
 */
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type {
  BaseHttpClient,
  HttpRequest,
  HttpResponse,
  RedirectHandler,
  ResponseTypes,
  StreamingHttpResponse,
} from '@crawlee/core';
import iconv from 'iconv-lite';
import { isPrivateAddress, type PrivateNetworkPolicy, privateAllowed } from './network-guard.js';

export interface GuardedHttpClientOptions {
  /** Loopback and private targets are refused unless this allows them (demo web and tests). */
  readonly allowPrivateNetwork: PrivateNetworkPolicy;
  readonly maxRedirects?: number;
  /** Largest body accepted, in bytes. */
  readonly maxBytes?: number;
  /** Time to receive headers, and longest silence while reading the body, in ms. */
  readonly timeoutMs?: number;
  /**
   * Longest time to read a whole body, in ms (default 3 × timeoutMs): a site that sends a byte
   * now and then never falls silent long enough for timeoutMs, and is cut off by this instead.
   */
  readonly bodyTimeoutMs?: number;
  readonly userAgent?: string;
  /** Called when a target is refused, with the reason (for the crawl log). */
  readonly onRefused?: (url: string, reason: string) => void;
}

export const USER_AGENT = 'KiemChungBot/0.1 (+https://github.com/kiem-chung; thanh tra so TT&TT)';
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** Why a fetch was refused or failed; `retriable` tells the crawler whether trying again can help. */
export class FetchError extends Error {
  readonly retriable: boolean;
  constructor(message: string, retriable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FetchError';
    this.retriable = retriable;
  }
}

export class GuardedHttpClient implements BaseHttpClient {
  readonly #o: Required<Omit<GuardedHttpClientOptions, 'onRefused'>> & Pick<GuardedHttpClientOptions, 'onRefused'>;

  constructor(options: GuardedHttpClientOptions) {
    this.#o = {
      maxRedirects: 5,
      maxBytes: DEFAULT_MAX_BYTES,
      timeoutMs: 20_000,
      userAgent: USER_AGENT,
      ...options,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 3 * (options.timeoutMs ?? 20_000),
    };
    if (!(this.#o.maxBytes > 0)) throw new RangeError('maxBytes must be positive');
  }

  async sendRequest<T extends keyof ResponseTypes = 'text'>(request: HttpRequest<T>): Promise<HttpResponse<T>> {
    const res = await this.stream(request as HttpRequest);
    const chunks: Buffer[] = [];
    for await (const chunk of res.stream) chunks.push(chunk as Buffer);
    const buffer = Buffer.concat(chunks);
    const type = (request.responseType ?? 'text') as keyof ResponseTypes;
    const body =
      type === 'buffer' ? buffer : type === 'json' ? JSON.parse(buffer.toString('utf8')) : buffer.toString('utf8');
    return { ...res, body } as unknown as HttpResponse<T>;
  }

  async stream(request: HttpRequest, onRedirect?: RedirectHandler): Promise<StreamingHttpResponse> {
    let url = new URL(String(request.url));
    const redirectUrls: URL[] = [];
    const headers: Record<string, string> = {
      'user-agent': this.#o.userAgent,
      accept: '*/*',
      'accept-encoding': 'identity',
    };
    for (const [k, v] of Object.entries(request.headers ?? {})) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    for (let hop = 0; ; hop++) {
      const { res, ip } = await this.#fetchOnce(
        url,
        String(request.method ?? 'GET').toUpperCase(),
        headers,
        request.signal,
      );
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      const follow = request.followRedirect !== false;
      if (status >= 300 && status < 400 && status !== 304 && location && follow) {
        res.resume();
        if (hop >= this.#o.maxRedirects) {
          throw new FetchError(
            `too many redirects (more than ${this.#o.maxRedirects}) from ${String(request.url)}`,
            false,
          );
        }
        const next = new URL(location, url);
        redirectUrls.push(next);
        onRedirect?.(toBaseData(res, url, redirectUrls, ip), { url: next, headers });
        url = next;
        continue;
      }
      const body = await this.#readBody(res, url);
      // crawlee refuses unknown content types before it looks at the status; an error page or a
      // 304 is judged by its status, so it is presented as HTML.
      const served = status >= 300 ? 'text/html; charset=utf-8' : String(res.headers['content-type'] ?? '');
      const { bytes, contentType } = decodeToUtf8(body, served);
      const responseHeaders = { ...res.headers, 'content-type': contentType, 'content-length': String(bytes.length) };
      const stream = Readable.from([bytes]);
      return {
        ...toBaseData(res, url, redirectUrls, ip),
        headers: responseHeaders,
        complete: true,
        request,
        stream,
        downloadProgress: { percent: 1, transferred: bytes.length, total: bytes.length },
        uploadProgress: { percent: 1, transferred: 0, total: 0 },
      };
    }
  }

  async #fetchOnce(url: URL, method: string, headers: Record<string, string>, signal?: AbortSignal) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FetchError(`only http and https are crawled, not ${url.protocol} (${url.href})`, false);
    }
    const address = await this.#resolve(url);
    // Connect to the address that was checked, whatever DNS says a moment later.
    const pinned: LookupFunction = (_host, options, cb) => {
      const family = isIP(address);
      if ((options as { all?: boolean }).all)
        (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
      else cb(null, address, family);
    };
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<{ res: http.IncomingMessage; ip: string }>((resolve, reject) => {
      const req = mod.request(url, { method, headers, lookup: pinned, signal, timeout: this.#o.timeoutMs }, (res) => {
        resolve({ res, ip: address });
      });
      req.on('timeout', () => {
        req.destroy(new FetchError(`no response from ${url.host} within ${this.#o.timeoutMs} ms`, true));
      });
      req.on('error', (err) =>
        reject(err instanceof FetchError ? err : new FetchError(`${url.host}: ${err.message}`, true, { cause: err })),
      );
      req.end();
    });
  }

  async #resolve(url: URL): Promise<string> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      addresses = await new Promise<string[]>((resolve, reject) => {
        dnsLookup(host, { all: true }, (err, list) =>
          err
            ? reject(new FetchError(`cannot resolve ${host}: ${err.code ?? err.message}`, true))
            : resolve(list.map((a) => a.address)),
        );
      });
    }
    if (this.#o.allowPrivateNetwork !== true) {
      const bad = addresses.find((a) => isPrivateAddress(a) && !privateAllowed(a, this.#o.allowPrivateNetwork));
      if (bad) {
        const reason = `${host} resolves to private address ${bad}; refused (SSRF guard; set allowPrivateNetwork on the source to allow)`;
        this.#o.onRefused?.(url.href, reason);
        throw new FetchError(reason, false);
      }
    }
    return addresses[0]!;
  }

  #readBody(res: http.IncomingMessage, url: URL): Promise<Buffer> {
    const max = this.#o.maxBytes;
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      res.destroy();
      return Promise.reject(new FetchError(`${url.href} is ${declared} bytes, over the ${max}-byte limit`, false));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const idle = setTimeout(onIdle, this.#o.timeoutMs);
      function onIdle() {
        res.destroy(new FetchError(`${url.host} stopped sending the body`, true));
      }
      const limitMs = this.#o.bodyTimeoutMs;
      const deadline = setTimeout(() => {
        clearTimeout(idle);
        res.destroy(new FetchError(`${url.host} sends too slowly: the body took over ${limitMs} ms`, true));
      }, limitMs);
      const done = () => {
        clearTimeout(idle);
        clearTimeout(deadline);
      };
      res.on('data', (chunk: Buffer) => {
        idle.refresh();
        size += chunk.length;
        if (size > max) {
          done();
          res.destroy();
          reject(new FetchError(`${url.href} is over the ${max}-byte limit`, false));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        done();
        resolve(Buffer.concat(chunks));
      });
      res.on('error', (err) => {
        done();
        reject(err instanceof FetchError ? err : new FetchError(`${url.host}: ${err.message}`, true, { cause: err }));
      });
    });
  }
}

function toBaseData(res: http.IncomingMessage, url: URL, redirectUrls: URL[], ip: string) {
  return {
    redirectUrls,
    url: url.href,
    ip,
    statusCode: res.statusCode ?? 0,
    statusMessage: res.statusMessage,
    headers: res.headers as Record<string, string | string[] | undefined>,
    trailers: {},
    complete: false,
  };
}

/**
 * The page as UTF-8, whatever it was served in: charset from the HTTP header, a BOM, or
 * <meta charset>/<meta http-equiv>; bytes that are not valid UTF-8 and name no charset are read
 * as Windows-1258, the usual legacy encoding of Vietnamese sites.
 */
export function decodeToUtf8(
  body: Buffer,
  contentType: string,
): { bytes: Buffer; contentType: string; charset: string } {
  const mime = contentType.split(';')[0]!.trim() || 'application/octet-stream';
  const isText = /^(text\/|application\/(xhtml\+xml|xml|rss\+xml|atom\+xml|json|ld\+json))/.test(mime);
  if (!isText) return { bytes: body, contentType, charset: 'binary' };
  const charset = detectCharset(body, contentType);
  const text = charset === 'utf-8' ? body.toString('utf8') : iconv.decode(body, charset);
  return { bytes: Buffer.from(text.replace(/^\ufeff/, ''), 'utf8'), contentType: `${mime}; charset=utf-8`, charset };
}

function detectCharset(body: Buffer, contentType: string): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  const fromHeader = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  const head = body.subarray(0, 4096).toString('latin1');
  const fromMeta =
    /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding=["']([\w-]+)/i.exec(head)?.[1];
  for (const name of [fromHeader, fromMeta]) {
    if (!name) continue;
    const n = name.toLowerCase();
    if (n === 'utf-8' || n === 'utf8') return 'utf-8';
    if (iconv.encodingExists(n)) return n;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return 'utf-8';
  } catch {
    return 'windows-1258';
  }
}
