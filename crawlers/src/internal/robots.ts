import robotsParserModule from 'robots-parser';
import type { GuardedHttpClient } from './http-client.js';

export const ROBOTS_AGENT = 'KiemChungBot';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getMatchingLineNumber(url: string, ua?: string): number;
  getCrawlDelay(ua?: string): number | undefined;
}
// robots-parser is CommonJS; its default export is the parser function.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

/** robots.txt per origin, fetched once per crawl through the guarded client. */
export class RobotsGuard {
  readonly #client: GuardedHttpClient;
  readonly #cache = new Map<string, Promise<Robot | null>>();

  constructor(client: GuardedHttpClient) {
    this.#client = client;
  }

  /** Null when allowed; else the reason, naming the robots.txt line. */
  async refusal(url: string): Promise<string | null> {
    const robot = await this.#robot(new URL(url).origin);
    if (!robot) return null;
    if (robot.isAllowed(url, ROBOTS_AGENT) !== false) return null;
    return `disallowed by robots.txt (line ${robot.getMatchingLineNumber(url, ROBOTS_AGENT)}) of ${new URL(url).origin}`;
  }

  async crawlDelaySeconds(url: string): Promise<number> {
    return (await this.#robot(new URL(url).origin))?.getCrawlDelay(ROBOTS_AGENT) ?? 0;
  }

  #robot(origin: string): Promise<Robot | null> {
    let p = this.#cache.get(origin);
    if (!p) {
      p = (async () => {
        const robotsUrl = `${origin}/robots.txt`;
        try {
          const res = await this.#client.sendRequest({ url: robotsUrl, responseType: 'text' });
          // No robots.txt (404) means everything is allowed; a 5xx means the site is unwell: wait.
          if (res.statusCode >= 500) return robotsParser(robotsUrl, 'User-agent: *\nDisallow: /');
          if (res.statusCode >= 400) return null;
          return robotsParser(robotsUrl, String(res.body));
        } catch {
          return null;
        }
      })();
      this.#cache.set(origin, p);
    }
    return p;
  }
}
