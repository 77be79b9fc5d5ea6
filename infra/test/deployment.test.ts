/**
 * The deployment files (infra/docker-compose.yml, infra/Dockerfile, .dockerignore,
 * docs/DEPLOYMENT.md) cannot be run here (no Docker engine), so this test keeps them from
 * drifting away from the code: settings against the configuration schema, commands against the
 * CLI, image versions against the engines the tests run on, routes against the case API.
 */
import { existsSync, readFileSync } from 'node:fs';
import { TOPICS } from '@kc/pipeline';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENGINE_VERSIONS } from '../engines/engines.js';
import { ConfigError, ConfigSchema, loadConfig } from '../src/config.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

type Scalar = string | number | boolean | null;
interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string | string[];
  environment?: Record<string, Scalar> | string[];
  ports?: (string | number | { host_ip?: string; published?: string | number; target?: number })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  user?: string;
}
interface ComposeFile {
  version?: unknown;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const COMPOSE_TEXT = read('infra/docker-compose.yml');
// Compose resolves YAML merge keys (`<<: *app`), so the test does too.
const compose = parse(COMPOSE_TEXT, { merge: true }) as ComposeFile;
const DOCKERFILE = read('infra/Dockerfile');
const CLI = read('infra/src/cli.ts');
const ROOT_PACKAGE = JSON.parse(read('package.json')) as {
  workspaces: string[];
  bin?: Record<string, string>;
  scripts: Record<string, string>;
};

function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

/** A service's environment as strings, from either the map or the list form. */
function envOf(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function commandOf(s: Service): string[] {
  if (s.command === undefined) return [];
  return Array.isArray(s.command) ? s.command.map(String) : s.command.trim().split(/\s+/);
}

/** Published ports as {hostIp, published, target}, from the short ("ip:host:container") or long form. */
function portsOf(s: Service): { hostIp: string | null; published: string; target: string }[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      return { hostIp: p.host_ip ?? null, published: String(p.published ?? ''), target: String(p.target ?? '') };
    }
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    if (parts.length === 3) return { hostIp: parts[0]!, published: parts[1]!, target: parts[2]! };
    if (parts.length === 2) return { hostIp: null, published: parts[0]!, target: parts[1]! };
    return { hostIp: null, published: '', target: parts[0]! };
  });
}

/** Mounts as {source, target}, from the short ("source:target[:mode]") or long form. */
function mountsOf(s: Service): { source: string; target: string }[] {
  return (s.volumes ?? []).map((v) => {
    if (typeof v === 'object') return { source: v.source ?? '', target: v.target ?? '' };
    const [source, target] = v.split(':');
    return { source: source ?? '', target: target ?? '' };
  });
}

/** The exec-form CMD of infra/Dockerfile. */
function imageCmd(): string[] {
  const m = /^CMD\s+(\[.*\])\s*$/m.exec(DOCKERFILE);
  return m ? (JSON.parse(m[1]!) as string[]) : [];
}

function healthcheckText(s: Service): string {
  const t = s.healthcheck?.test;
  return Array.isArray(t) ? t.join(' ') : (t ?? '');
}

function imageTag(s: Service): { repo: string; tag: string } {
  const image = s.image ?? '';
  const at = image.lastIndexOf(':');
  return at < 0 ? { repo: image, tag: '' } : { repo: image.slice(0, at), tag: image.slice(at + 1) };
}

const APP_SERVICES = ['api', 'worker'] as const;

describe('infra/docker-compose.yml', () => {
  it('is a Compose spec file with the five services', () => {
    expect(compose.version, 'the Compose spec has no "version:" key').toBeUndefined();
    for (const name of ['kafka', 'elasticsearch', 'kibana', 'api', 'worker']) {
      expect(Object.keys(compose.services), `service ${name}`).toContain(name);
    }
  });

  it('every command, entrypoint and healthcheck is a string or a list of strings', () => {
    // A plain YAML scalar with ": " in it silently becomes a mapping (e.g. `r.ok ? 0 : 1`).
    const isCommand = (v: unknown) =>
      v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    for (const [name, s] of Object.entries(compose.services) as [string, Service & { entrypoint?: unknown }][]) {
      expect(isCommand(s.command), `${name}: command`).toBe(true);
      expect(isCommand(s.entrypoint), `${name}: entrypoint`).toBe(true);
      expect(isCommand(s.healthcheck?.test), `${name}: healthcheck.test`).toBe(true);
    }
  });

  it('every named volume a service mounts is declared', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, s] of Object.entries(compose.services)) {
      for (const m of mountsOf(s)) {
        const named = m.source !== '' && !/^[./~]/.test(m.source);
        if (named) expect(declared, `volume ${m.source} of ${name}`).toContain(m.source);
      }
    }
  });

  for (const name of APP_SERVICES) {
    describe(name, () => {
      it('sets only settings that infra/src/config.ts knows, and loadConfig accepts them', () => {
        // Node's own variables (the worker's heap bound) are not the application's settings.
        const env = Object.fromEntries(Object.entries(envOf(service(name))).filter(([k]) => k !== 'NODE_OPTIONS'));
        const known = Object.keys(ConfigSchema.shape);
        expect(Object.keys(env).length).toBeGreaterThan(0);
        for (const key of Object.keys(env)) expect(known, `${name}: ${key} is not a setting`).toContain(key);
        let config: ReturnType<typeof loadConfig> | undefined;
        try {
          config = loadConfig(env);
        } catch (err) {
          if (err instanceof ConfigError) expect.fail(`${name}: ${err.message}`);
          throw err;
        }
        expect(config.KC_BUS).toBe('kafka');
        expect(config.KC_INDEX).toBe('elasticsearch');
      });

      it('points at the kafka and elasticsearch services', () => {
        const env = envOf(service(name));
        const advertised = envOf(service('kafka')).KAFKA_ADVERTISED_LISTENERS ?? '';
        for (const broker of (env.KAFKA_BROKERS ?? '').split(',')) {
          const [host] = broker.trim().split(':');
          expect(Object.keys(compose.services), `broker ${broker}`).toContain(host);
          expect(advertised, `kafka advertises ${broker}`).toContain(`//${broker.trim()}`);
        }
        const es = new URL(env.ELASTICSEARCH_URL ?? 'http://missing');
        expect(es.hostname).toBe('elasticsearch');
        expect(es.port).toBe('9200');
      });

      it('starts after healthy Kafka and Elasticsearch', () => {
        const deps = service(name).depends_on;
        expect(deps && !Array.isArray(deps), `${name}: depends_on with conditions`).toBe(true);
        const map = deps as Record<string, { condition?: string }>;
        for (const engine of ['kafka', 'elasticsearch']) {
          expect(map[engine]?.condition, `${name} → ${engine}`).toBe('service_healthy');
          expect(service(engine).healthcheck?.test, `${engine} has a healthcheck`).toBeDefined();
        }
      });

      it('keeps KC_DATA_DIR on a volume and is built from infra/Dockerfile at the repository root', () => {
        const s = service(name);
        const dataDir = envOf(s).KC_DATA_DIR ?? '/data';
        expect(
          mountsOf(s).map((m) => m.target),
          `${name}: volume at ${dataDir}`,
        ).toContain(dataDir);
        expect(typeof s.build === 'object' ? s.build : {}).toMatchObject({
          context: '..',
          dockerfile: 'infra/Dockerfile',
        });
        expect(existsSync(new URL('infra/Dockerfile', ROOT))).toBe(true);
      });
    });
  }

  it('the cases a worker opens reach the API', () => {
    // Cases are on Elasticsearch only when infra/src/stores.ts honours KC_CASE_STORE; otherwise
    // every process keeps them in $KC_DATA_DIR/cases.sqlite, and a worker with a data volume of
    // its own would open cases that the console never shows.
    const wired = /config\.KC_CASE_STORE === 'elasticsearch'/.test(read('infra/src/stores.ts'));
    const caseStore = (name: string) => envOf(service(name)).KC_CASE_STORE ?? 'sqlite';
    expect(caseStore('worker'), 'api and worker use the same case store').toBe(caseStore('api'));
    if (caseStore('api') === 'elasticsearch') {
      expect(wired, 'infra/src/stores.ts puts cases on Elasticsearch for KC_CASE_STORE=elasticsearch').toBe(true);
      return;
    }
    const volumeAt = (name: string) => {
      const s = service(name);
      const dataDir = envOf(s).KC_DATA_DIR ?? '/data';
      return mountsOf(s).find((m) => m.target === dataDir)?.source;
    };
    expect(volumeAt('worker'), 'cases in SQLite: the workers need the API data volume').toBe(volumeAt('api'));
  });

  it('api runs what npm start runs, in one process that receives SIGTERM itself', () => {
    // package.json "start" is `tsx <entry>`; the container runs `node --import tsx <entry>`,
    // because npm (through `sh -c`) does not pass SIGTERM on to the application.
    const start = /^tsx\s+(\S+\.ts)$/.exec(ROOT_PACKAGE.scripts.start ?? '');
    expect(start, `package.json start script: ${ROOT_PACKAGE.scripts.start}`).not.toBeNull();
    const expected = ['node', '--import', 'tsx', start![1]!];
    expect(existsSync(new URL(start![1]!, ROOT))).toBe(true);
    const command = commandOf(service('api'));
    expect(command.length > 0 ? command : imageCmd()).toEqual(expected);
    expect(imageCmd(), 'the image runs the all-in-one process by default').toEqual(expected);
    expect(JSON.parse(read('infra/package.json')).dependencies.tsx, 'tsx is a runtime dependency').toBeTruthy();
  });

  it('worker runs the `worker` command that infra/src/cli.ts implements', () => {
    expect(CLI).toMatch(/case 'worker':/);
    expect(CLI).toMatch(/group === 'worker'/);
    const command = commandOf(service('worker'));
    const at = command.findIndex((part) => part === 'kc' || part.endsWith('/kc') || part.endsWith('infra/src/cli.ts'));
    expect(at, `worker command ${command.join(' ')} runs kc or infra/src/cli.ts`).toBeGreaterThanOrEqual(0);
    expect(command.slice(at + 1)).toEqual(['worker']);
    if (!command[at]!.endsWith('cli.ts')) {
      // `kc` must be the CLI: the image's kc runs infra/bin/kc.js, the package's bin, which loads cli.ts.
      expect(DOCKERFILE).toMatch(/\/usr\/local\/bin\/kc\b/);
      expect(DOCKERFILE).toMatch(/node \/app\/infra\/bin\/kc\.js/);
      expect(ROOT_PACKAGE.bin?.kc).toBe('infra/bin/kc.js');
      expect(read('infra/bin/kc.js')).toContain("import('../src/cli.ts')");
    }
    expect(service('worker').deploy?.replicas).toBeGreaterThanOrEqual(1);
  });

  it('worker runs with the bounded heap its memory figures were measured with', () => {
    // tests/bench/pipeline-memory.ts runs the worker with the same bound (its --heap-mb default).
    const bench = read('tests/bench/pipeline-memory.ts');
    const measured = /heap-mb': \{ type: 'string', default: '(\d+)' \}/.exec(bench)?.[1];
    expect(measured, 'the memory benchmark names its default heap bound').toBeDefined();
    expect(envOf(service('worker')).NODE_OPTIONS).toBe(`--max-old-space-size=${measured}`);
  });

  it('api and kibana publish their ports on 127.0.0.1 only; Kafka and Elasticsearch publish none', () => {
    for (const name of ['api', 'kibana']) {
      const ports = portsOf(service(name));
      expect(ports.length, `${name} publishes a port`).toBeGreaterThan(0);
      for (const p of ports) expect(p.hostIp, `${name}: ${p.published}:${p.target}`).toBe('127.0.0.1');
    }
    for (const name of ['kafka', 'elasticsearch']) expect(portsOf(service(name))).toEqual([]);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const p of portsOf(s)) expect(p.hostIp, `${name} publishes ${p.published}`).toBe('127.0.0.1');
    }
  });

  it("api's published port and healthcheck use its PORT and the case API's /healthz", () => {
    const api = service('api');
    const port = envOf(api).PORT ?? '3000';
    expect(portsOf(api).map((p) => p.target)).toContain(port);
    expect(healthcheckText(api)).toContain(`http://127.0.0.1:${port}/healthz`);
    expect(read('case-api/src/routes/system.ts')).toMatch(/app\.get\(\s*'\/healthz'/);
  });

  it('Elasticsearch and Kibana run the version the project tests against (infra/engines)', () => {
    const pinned = ENGINE_VERSIONS.elasticsearch;
    const majorMinor = pinned.split('.').slice(0, 2).join('.');
    const es = imageTag(service('elasticsearch'));
    const kibana = imageTag(service('kibana'));
    expect(es.repo).toBe('docker.elastic.co/elasticsearch/elasticsearch');
    expect(kibana.repo).toBe('docker.elastic.co/kibana/kibana');
    expect(es.tag, 'a pinned x.y.z tag').toMatch(/^\d+\.\d+\.\d+$/);
    expect(es.tag.split('.').slice(0, 2).join('.')).toBe(majorMinor);
    expect(kibana.tag, 'Kibana matches Elasticsearch').toBe(es.tag);
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.image?.startsWith('docker.elastic.co/elasticsearch/')) expect(imageTag(s).tag, name).toBe(es.tag);
    }
  });

  it('Kafka is the official image of the major version the project tests against', () => {
    const kafka = imageTag(service('kafka'));
    expect(kafka.repo).toBe('apache/kafka');
    expect(kafka.tag, 'a pinned x.y.z tag').toMatch(/^\d+\.\d+\.\d+$/);
    expect(kafka.tag.split('.')[0]).toBe(ENGINE_VERSIONS.kafka.split('.')[0]);
  });

  it('Kafka is one KRaft node without automatic topic creation, and the app creates its topics', () => {
    const env = envOf(service('kafka'));
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    const bus = read('pipeline/src/kafka/bus.ts');
    expect(bus, 'KafkaBus creates its topics').toMatch(/createTopics\(/);
    expect(mountsOf(service('kafka')).map((m) => m.target)).toContain(env.KAFKA_LOG_DIRS);
  });

  it('Elasticsearch is a single node with data and a snapshot repository on volumes', () => {
    const es = service('elasticsearch');
    const env = envOf(es);
    expect(env['discovery.type']).toBe('single-node');
    expect(env.ES_JAVA_OPTS).toMatch(/-Xms\S+ -Xmx\S+/);
    const targets = mountsOf(es).map((m) => m.target);
    expect(targets).toContain('/usr/share/elasticsearch/data');
    expect(env['path.repo'], 'path.repo is set').toBeTruthy();
    expect(targets, 'path.repo is on a volume').toContain(env['path.repo']);
    expect(healthcheckText(es)).toContain('/_cluster/health');
    expect(envOf(service('kibana')).ELASTICSEARCH_HOSTS).toBe('http://elasticsearch:9200');
  });
});

describe('infra/Dockerfile', () => {
  const lines = DOCKERFILE.split('\n');
  const instructions = DOCKERFILE.replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('is based on Node 20 and installs Chromium, the Vietnamese fonts, the build tools and tini', () => {
    expect(instructions.find((l) => /^FROM\s/i.test(l))).toMatch(/^FROM\s+node:20[-.\w]*(\s|$)/);
    const apt = instructions.filter((l) => /apt-get install/.test(l)).join(' ');
    for (const pkg of ['chromium', 'fonts-noto-core', 'python3', 'make', 'g++', 'ca-certificates', 'tini']) {
      expect(apt.split(/\s+/), `apt-get install ${pkg}`).toContain(pkg);
    }
  });

  it('runs npm ci after copying the manifest of every workspace', () => {
    const ci = lines.findIndex((l) => /^RUN\s+npm ci\b/.test(l.trim()));
    expect(ci, 'RUN npm ci').toBeGreaterThan(0);
    const before = lines.slice(0, ci).join('\n');
    expect(before).toMatch(/^COPY\s+package\.json\s+package-lock\.json\s/m);
    for (const ws of ROOT_PACKAGE.workspaces) {
      expect(before, `COPY ${ws}/package.json before npm ci`).toMatch(
        new RegExp(`^COPY\\s+${ws}/package\\.json\\s`, 'm'),
      );
    }
  });

  it('runs as an unprivileged user under tini, with the data directory as a volume', () => {
    const users = instructions.filter((l) => /^USER\s/.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|$)/);
    expect(instructions).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(instructions).toContain('EXPOSE 3000');
    expect(instructions).toContain('VOLUME ["/data"]');
  });

  it('sets only known settings in ENV, and they are valid', () => {
    const env: Record<string, string> = {};
    for (const l of instructions.filter((i) => /^ENV\s/.test(i))) {
      for (const m of l.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
    }
    const known = Object.keys(ConfigSchema.shape);
    const settings = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('KC_') || k === 'PORT'));
    for (const key of Object.keys(settings)) expect(known, `ENV ${key}`).toContain(key);
    expect(settings).toMatchObject({ KC_DATA_DIR: '/data', KC_HOST: '0.0.0.0', PORT: '3000' });
    expect(settings.KC_CHROMIUM_PATH).toBe('/usr/bin/chromium');
    expect(() => loadConfig(settings)).not.toThrow();
  });

  it('relies on the --no-sandbox flag the crawlers pass to Chromium', () => {
    const args = read('crawlers/src/context.ts');
    expect(args).toMatch(/CHROMIUM_ARGS = \[[^\]]*'--no-sandbox'/);
    expect(args).toMatch(/CHROMIUM_ARGS = \[[^\]]*'--disable-dev-shm-usage'/);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  /** Docker's matching: patterns are relative to the context root; a match on a directory excludes what is in it. */
  function excluded(path: string): boolean {
    const toRegex = (pattern: string) =>
      new RegExp(
        `^${pattern
          .replace(/^\//, '')
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*\//g, '\u0000')
          .replace(/\*\*/g, '.*')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')
          .replace(/\u0000/g, '(?:.*/)?')}$`,
      );
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let out = false;
    for (const p of patterns) {
      const negate = p.startsWith('!');
      const re = toRegex(negate ? p.slice(1) : p);
      if (prefixes.some((prefix) => re.test(prefix))) out = !negate;
    }
    return out;
  }

  it('keeps out modules, data and secrets', () => {
    for (const path of [
      'node_modules/zod/package.json',
      'case-api/node_modules/x/index.js',
      '.env',
      'infra/.env',
      'data/cases.sqlite',
      '.git/HEAD',
    ]) {
      expect(excluded(path), path).toBe(true);
    }
  });

  it('keeps in what the image runs', () => {
    for (const path of [
      'package.json',
      'package-lock.json',
      'infra/Dockerfile',
      'infra/bin/kc.js',
      'infra/src/main.ts',
      'classifier/data/known-claims.json',
      'classifier/model/model.json',
      'dashboards/public/index.html',
    ]) {
      expect(excluded(path), path).toBe(false);
      expect(existsSync(new URL(path, ROOT)), `${path} exists`).toBe(true);
    }
  });
});

describe('docs/DEPLOYMENT.md', () => {
  const doc = read('docs/DEPLOYMENT.md');

  it('names only kc commands that infra/src/cli.ts implements', () => {
    const commands = new Set([...CLI.matchAll(/case '([a-z -]+)':/g)].map((m) => m[1]!));
    for (const m of CLI.matchAll(/group === '([a-z-]+)'/g)) commands.add(m[1]!);
    const used = [...doc.matchAll(/\bkc (?:-- )?([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)];
    expect(used.length).toBeGreaterThan(0);
    for (const [text, first, second] of used) {
      const ok = commands.has(`${first} ${second ?? ''}`.trim()) || commands.has(first!);
      expect(ok, `"${text}" in DEPLOYMENT.md is not a kc command`).toBe(true);
    }
  });

  it('names the Kafka topics as the app creates them', () => {
    const prefix = String(ConfigSchema.shape.KC_KAFKA_PREFIX.parse(undefined));
    expect(doc).toContain(`${prefix}${TOPICS.postsRaw}`);
    expect(doc).toContain(`${prefix}${TOPICS.postsDead}`);
  });

  it('refers to the compose file and settings that exist', () => {
    expect(doc).toContain('docker compose -f infra/docker-compose.yml');
    const known = new Set(Object.keys(ConfigSchema.shape));
    for (const [, name] of doc.matchAll(/\b(KC_[A-Z0-9_]+)\b/g)) {
      expect(known.has(name!), `${name} in DEPLOYMENT.md is not a setting`).toBe(true);
    }
  });
});
