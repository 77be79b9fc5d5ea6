/**
 * `npm run bench -w tests`: the case API under load with 100,000 cases (autocannon), beside a
 * fastify hello-world route measured in the same run; the ratio is the figure. Prints requests
 * per second and p50/p99 latency for the triage list, a case view and a verdict.
 */
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { ApiClient, spawnTsx, startApp, waitForCrawl } from '../helpers/app-process.js';
import { seededDataDir } from '../helpers/seed-cases.js';

const CASES = Number(process.env.KC_BENCH_CASES ?? 100_000);
const SECONDS = Number(process.env.KC_BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
/** Cases assigned beforehand, one per verdict request (more than a 10 s run can judge here). */
const VERDICT_CASES = Math.min(CASES / 2, 2_000 * SECONDS);

interface Figure {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(name: string, url: string, options: Partial<autocannon.Options> = {}): Promise<Figure> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  const errors = r.errors + r.timeouts + r.non2xx;
  if (errors > 0) {
    // Say what failed: status codes other than 2xx, socket errors, timeouts.
    const codes = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2'));
    console.log(`${name}: ${errors} failed — ${JSON.stringify({ codes, errors: r.errors, timeouts: r.timeouts })}`);
  }
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors };
}

const { dataDir, seededMs } = await seededDataDir(CASES);
if (seededMs !== null) console.log(`seeded ${CASES} cases in ${(seededMs / 1000).toFixed(1)} s (kept for next runs)`);
const app = await startApp({ dataDir });
const hello = spawnTsx('tests/bench/hello.ts', [], {});
try {
  const helloUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hello-world did not start:\n${hello.output()}`)), 30_000);
    hello.child.stdout!.on('data', () => {
      const m = /listening (\S+)/.exec(hello.output());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const analyst = await new ApiClient(app.url).login('phantich');
  const supervisor = await new ApiClient(app.url).login('giamsat');
  // Requests as the console's browser sends them: with its session and the encodings it takes.
  const auth = (c: ApiClient) => ({ authorization: `Bearer ${c.token}`, 'accept-encoding': 'gzip, deflate, br, zstd' });

  // Cases for the case views and the verdicts: seeded cases (opened in 2021, each at version 1;
  // the demo crawl's cases have had posts attached, so "version 2 after assignment" would not
  // hold for them and their verdicts would be refused as stale), assigned in bulk.
  await waitForCrawl(analyst);
  const ids: string[] = [];
  for (let offset = 0; ids.length < VERDICT_CASES; offset += 200) {
    const page = await analyst.call(
      'GET',
      `/api/cases?status=new&sort=created&to=2021-12-31&limit=200&offset=${offset}`,
    );
    ids.push(...(page.body.items as { id: string }[]).map((c) => c.id));
  }
  for (let i = 0; i < ids.length; i += 200) {
    const r = await supervisor.call('POST', '/api/cases/bulk/assign', {
      caseIds: ids.slice(i, i + 200),
      assignee: 'phantich',
    });
    if (r.status !== 200) throw new Error(`bulk assign: ${r.status} ${JSON.stringify(r.body)}`);
  }

  const figures: Figure[] = [];
  figures.push(await load('hello-world (baseline)', `${helloUrl}/hello`));
  figures.push(
    await load('triage list (50, by priority; cached until a write)', `${app.url}/api/cases?limit=50&sort=priority`, {
      headers: auth(analyst),
    }),
  );
  // The same queue page again and again is answered from the cache until the next write; a
  // different page each time (a thousand pages of 50, by priority) always reaches the store.
  let page = 0;
  figures.push(
    await load('triage list, a new page each time (no cache)', `${app.url}/api/cases?limit=50&sort=priority`, {
      headers: auth(analyst),
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            path: `/api/cases?limit=50&sort=priority&offset=${50 * (page++ % 1_000)}`,
          }),
        },
      ],
    }),
  );
  let viewed = 0;
  figures.push(
    await load('case view', `${app.url}/api/cases/${ids[0]}`, {
      headers: auth(analyst),
      requests: [{ setupRequest: (req) => ({ ...req, path: `/api/cases/${ids[viewed++ % ids.length]}` }) }],
    }),
  );
  let judged = 0;
  const verdict = JSON.stringify({ verdict: 'false', note: 'Sở Y tế đã bác bỏ.', sources: [] });
  figures.push(
    // The URL is replaced for every request (setupRequest); this one only names the route.
    await load('verdict (a different case each time)', `${app.url}/api/cases/${ids[0]}/verdict`, {
      method: 'POST',
      headers: { ...auth(analyst), 'content-type': 'application/json', 'if-match': '"2"' },
      requests: [
        {
          setupRequest: (req) => {
            if (judged >= ids.length) throw new Error('ran out of cases in review');
            return { ...req, path: `/api/cases/${ids[judged++]}/verdict`, body: verdict };
          },
        },
      ],
    }),
  );

  const base = figures[0]!.rps;
  console.log(
    `\nnode ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}; ${CASES.toLocaleString('en-US')} cases (embedded SQLite); ` +
      `autocannon ${CONNECTIONS} connections × ${SECONDS} s each, app and baseline in their own processes\n`,
  );
  console.log('| route | requests/s | p50 ms | p99 ms | errors | share of hello-world |');
  console.log('|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.name} | ${Math.round(f.rps).toLocaleString('en-US')} | ${f.p50} | ${f.p99} | ${f.errors} | ${((f.rps / base) * 100).toFixed(0)}% |`,
    );
  }
  console.log('\ntargets (issue 8): triage list p99 < 50 ms at 100,000 cases; ≥ 30% of hello-world requests/s');
} finally {
  hello.child.kill('SIGTERM');
  await app.stop();
}
