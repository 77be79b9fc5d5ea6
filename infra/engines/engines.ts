/**
 * Developer/CI engines: a real Apache Kafka broker (KRaft, single node) and a real Elasticsearch node, started on
 * this machine without Docker. Both come from Maven Central (the only artifact source reachable from our CI
 * machines), are cached under one home directory and run as detached background processes tracked by pid files.
 *
 * Only node: built-ins are used so this file works before `npm install` and inside any workspace.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Pinned versions. Bumping one wipes that engine's data on the next start (test data is disposable). */
export const ENGINE_VERSIONS = {
  kafka: '4.3.1',
  scala: '2.13',
  slf4j: '2.0.17',
  elasticsearch: '8.19.21',
  mavenDependencyPlugin: '3.8.1',
} as const;

export type EngineName = 'kafka' | 'elasticsearch';
export const ENGINE_NAMES: readonly EngineName[] = ['kafka', 'elasticsearch'];

/** Elasticsearch refuses to run as root, so when we are root it runs as this unprivileged system user. */
export const ES_SYSTEM_USER = 'kcengines';

export const DEFAULT_KAFKA_PORT = 9092;
export const DEFAULT_ES_PORT = 9200;
const HOST = '127.0.0.1';
export const ES_CLUSTER_NAME = 'kiem-chung-dev';
const DEFAULT_HEALTH_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 30_000;
const PROGRESS_EVERY_MS = 10_000;
const INSTALL_HINT = 'Install them with: apt-get install openjdk-17-jre-headless maven';

export interface EnginesOptions {
  /** Engines to act on; defaults to both. */
  which?: EngineName[];
  /** Cache and state directory; defaults to $KC_ENGINES_HOME or ~/.cache/kiem-chung/engines. */
  home?: string;
  /** Kafka broker port (the KRaft controller uses kafkaPort + 1); defaults to 9092. */
  kafkaPort?: number;
  /** Elasticsearch HTTP port (transport uses esPort + 100); defaults to 9200. */
  esPort?: number;
  /** Progress lines (downloads, waiting, reuse); silent by default. */
  log?: (line: string) => void;
  /** How long to wait for each engine to become healthy after launch; defaults to 180 s. */
  timeoutMs?: number;
}

export interface StartedEngines {
  kafkaBrokers: string;
  elasticsearchUrl: string;
  logs: { kafka: string; elasticsearch: string };
}

export interface EngineStatus {
  engine: EngineName;
  version: string;
  running: boolean;
  pid: number | null;
  address: string;
  healthy: boolean;
  /** Human readable health detail, e.g. "cluster status green" or why it is unhealthy. */
  detail: string;
  logFile: string;
  rssBytes: number | null;
}

export interface StopResult {
  engine: EngineName;
  wasRunning: boolean;
  pids: number[];
  /** True when SIGTERM was not enough within the grace period and SIGKILL was sent. */
  forced: boolean;
}

/** Errors meant for humans: the message says what is wrong and what to do. */
export class EnginesError extends Error {
  override name = 'EnginesError';
}

// ---------------------------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------------------------

interface KafkaLayout {
  port: number;
  controllerPort: number;
  distDir: string;
  libDir: string;
  mavenDir: string;
  instanceDir: string;
  dataDir: string;
  configFile: string;
  storageFile: string;
  logFile: string;
  pidFile: string;
  stateFile: string;
}

interface EsLayout {
  port: number;
  transportPort: number;
  /** Root for the distribution and instance; differs from home when the ES user cannot reach home (see esBaseFor). */
  base: string;
  runAs: string | null;
  distDir: string;
  mavenDir: string;
  instanceDir: string;
  confDir: string;
  dataDir: string;
  logsDir: string;
  tmpDir: string;
  ownPidFile: string;
  launcherLog: string;
  dataVersionFile: string;
  logFile: string;
  pidFile: string;
  stateFile: string;
}

interface Layout {
  home: string;
  runDir: string;
  kafka: KafkaLayout;
  es: EsLayout;
}

interface EngineState {
  pid: number;
  port: number;
  auxPort: number;
  version: string;
  logFile: string;
  startedAt: string;
}

function resolveHome(options: EnginesOptions): string {
  const raw = options.home ?? process.env.KC_ENGINES_HOME ?? path.join(os.homedir(), '.cache', 'kiem-chung', 'engines');
  const abs = path.resolve(raw);
  // Process identity checks compare command lines against these paths, so symlinked homes must be canonical.
  return fs.existsSync(abs) ? fs.realpathSync(abs) : abs;
}

function readState(file: string): EngineState | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<EngineState>;
    if (typeof parsed.pid === 'number' && typeof parsed.port === 'number' && typeof parsed.auxPort === 'number') {
      return parsed as EngineState;
    }
  } catch {
    // Missing or half-written state just means "not started by us".
  }
  return null;
}

function buildLayout(options: EnginesOptions): Layout {
  const home = resolveHome(options);
  const runDir = path.join(home, 'run');

  const kInstance = path.join(home, 'kafka');
  const kDist = path.join(home, 'dist', `kafka_${ENGINE_VERSIONS.scala}-${ENGINE_VERSIONS.kafka}`);
  const kafkaBase = {
    distDir: kDist,
    libDir: path.join(kDist, 'lib'),
    mavenDir: path.join(home, 'maven', `kafka-${ENGINE_VERSIONS.kafka}`),
    instanceDir: kInstance,
    dataDir: path.join(kInstance, 'data'),
    configFile: path.join(kInstance, 'server.properties'),
    storageFile: path.join(kInstance, 'storage.json'),
    logFile: path.join(kInstance, 'kafka.log'),
    pidFile: path.join(runDir, 'kafka.pid'),
    stateFile: path.join(runDir, 'kafka.json'),
  };
  // A running instance keeps the ports it was started with unless the caller asks for specific ones.
  const kState = readState(kafkaBase.stateFile);
  const kafkaPort = options.kafkaPort ?? (kState && isAlive(kState.pid) ? kState.port : DEFAULT_KAFKA_PORT);
  const kafka: KafkaLayout = { ...kafkaBase, port: kafkaPort, controllerPort: kafkaPort + 1 };

  const { base, runAs } = esBaseFor(home);
  const eInstance = path.join(base, 'elasticsearch');
  const eLogs = path.join(eInstance, 'logs');
  const esBase = {
    base,
    runAs,
    distDir: path.join(base, 'dist', `elasticsearch-${ENGINE_VERSIONS.elasticsearch}`),
    mavenDir: path.join(home, 'maven', `elasticsearch-${ENGINE_VERSIONS.elasticsearch}`),
    instanceDir: eInstance,
    confDir: path.join(eInstance, 'config'),
    dataDir: path.join(eInstance, 'data'),
    logsDir: eLogs,
    tmpDir: path.join(eInstance, 'tmp'),
    ownPidFile: path.join(eInstance, 'run', 'elasticsearch.pid'),
    launcherLog: path.join(eInstance, 'launcher.log'),
    dataVersionFile: path.join(eInstance, 'data-version'),
    logFile: path.join(eLogs, `${ES_CLUSTER_NAME}.log`),
    pidFile: path.join(runDir, 'elasticsearch.pid'),
    stateFile: path.join(runDir, 'elasticsearch.json'),
  };
  const eState = readState(esBase.stateFile);
  const esPort = options.esPort ?? (eState && isAlive(eState.pid) ? eState.port : DEFAULT_ES_PORT);
  const es: EsLayout = { ...esBase, port: esPort, transportPort: esPort + 100 };

  return { home, runDir, kafka, es };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

interface UserIds {
  uid: number;
  gid: number;
}

function lookupUser(name: string): UserIds | null {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether `user` can reach `dir`, judged from classic permission bits of every ancestor (ACLs are ignored). */
function userCanTraverse(dir: string, user: UserIds | null): boolean {
  let current = '/';
  const parts = dir.split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    if (i > 0) current = path.join(current, parts[i - 1]!);
    let st: fs.Stats;
    try {
      st = fs.statSync(current);
    } catch {
      // Directories we create later inherit a umask-derived mode; assume the usual 022.
      return true;
    }
    const bit = user && st.uid === user.uid ? 0o100 : user && st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
  }
  return true;
}

/**
 * Elasticsearch runs as ES_SYSTEM_USER when we are root, and that user must be able to read its files. The default
 * home (/root/.cache/...) sits under a 0700 /root, so in that case the ES distribution and data live under
 * /var/lib/kiem-chung-engines/<hash of home> instead of loosening /root's permissions.
 */
function esBaseFor(home: string): { base: string; runAs: string | null } {
  if (!isRoot()) return { base: home, runAs: null };
  if (userCanTraverse(home, lookupUser(ES_SYSTEM_USER))) return { base: home, runAs: ES_SYSTEM_USER };
  const hash = createHash('sha256').update(home).digest('hex').slice(0, 12);
  return { base: path.join('/var/lib/kiem-chung-engines', hash), runAs: ES_SYSTEM_USER };
}

// ---------------------------------------------------------------------------------------------------------------
// Small process and file helpers
// ---------------------------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function mkdirp(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

function readPidFile(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function removeFile(file: string): void {
  fs.rmSync(file, { force: true });
}

/** Alive and not a zombie: a killed child stays visible to kill(0) until its parent reaps it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM means it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

function commandLine(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    // No procfs (macOS): fall back to ps.
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim() : null;
  }
}

/** A pid only counts as ours when its command line references our config; pids get reused after crashes. */
function isOurProcess(pid: number, needle: string): boolean {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd?.includes(needle) ?? false;
}

function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
    const kb = Number.parseInt(ps.stdout?.trim() ?? '', 10);
    return ps.status === 0 && Number.isFinite(kb) ? kb * 1024 : null;
  }
}

function tail(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '(log file not found)';
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

function chownRecursive(target: string, ids: UserIds): void {
  const st = fs.lstatSync(target);
  if (st.uid !== ids.uid || st.gid !== ids.gid) fs.lchownSync(target, ids.uid, ids.gid);
  if (st.isDirectory()) {
    for (const entry of fs.readdirSync(target)) chownRecursive(path.join(target, entry), ids);
  }
}

/** Keeps one previous log so a failed restart does not erase the evidence of the failure before it. */
function rotateLog(file: string): void {
  if (fs.existsSync(file)) fs.renameSync(file, `${file}.1`);
}

function startTicker(log: (line: string) => void, message: (elapsedS: number) => string): () => void {
  const started = Date.now();
  const timer = setInterval(() => log(message(Math.round((Date.now() - started) / 1000))), PROGRESS_EVERY_MS);
  return () => clearInterval(timer);
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function trackExit(child: ChildProcess): () => Exit | null {
  let exit: Exit | null = null;
  child.on('exit', (code, signal) => {
    exit = { code, signal };
  });
  return () => exit;
}

function describeExit(exit: Exit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** Runs a command to completion with output appended to a log file. */
async function runLogged(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<Exit> {
  const fd = fs.openSync(opts.logFile, 'a');
  try {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', fd, fd] });
    return await new Promise<Exit>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------------------------

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(new EnginesError(`Cannot probe port ${HOST}:${port}: ${err.message}`));
    });
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Finds the pid listening on a TCP port through procfs, so a conflict can name the process that holds it. */
function listeningPid(port: number): number | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== '0A') continue; // 0A = LISTEN
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m?.[1] && inodes.has(m[1])) return Number(pid);
      } catch {
        // fd closed while scanning
      }
    }
  }
  return null;
}

function describePid(pid: number | null): string {
  if (pid === null) return `an unknown process (try: ss -ltnp or lsof -i)`;
  const cmd = commandLine(pid) ?? '?';
  return `pid ${pid} (${cmd.length > 160 ? `${cmd.slice(0, 157)}...` : cmd})`;
}

/** Called only when our own instance is not running, so any listener on these ports is someone else's. */
async function checkPortsFree(engine: EngineName, ports: { port: number; what: string; option: string }[]) {
  for (const { port, what, option } of ports) {
    if (await portIsFree(port)) continue;
    throw new EnginesError(
      `Cannot start ${engine}: ${what} port ${HOST}:${port} is already in use by ${describePid(listeningPid(port))}. ` +
        `Stop that process, or choose other ports with the ${option} option.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Prerequisites: Java and Maven
// ---------------------------------------------------------------------------------------------------------------

interface JavaInfo {
  javaHome: string;
  java: string;
  major: number;
}

function javaMajor(java: string): number | null {
  const out = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr ?? ''}${out.stdout ?? ''}`);
  if (!m) return null;
  // Java 8 and older report "1.8.0_x".
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

let cachedJava: JavaInfo | null = null;

function findJava(): JavaInfo {
  if (cachedJava) return cachedJava;
  const candidates: { javaHome: string; source: string }[] = [];
  for (const name of ['KC_ENGINES_JAVA_HOME', 'ES_JAVA_HOME', 'JAVA_HOME']) {
    const value = process.env[name];
    if (value) candidates.push({ javaHome: value, source: `$${name}` });
  }
  const onPath = findOnPath('java');
  // The JDK home is two levels above the real binary (…/jvm/java-17-openjdk-amd64/bin/java).
  if (onPath) candidates.push({ javaHome: path.dirname(path.dirname(fs.realpathSync(onPath))), source: 'PATH' });
  const rejected: string[] = [];
  for (const { javaHome, source } of candidates) {
    const java = path.join(javaHome, 'bin', 'java');
    if (!isExecutable(java)) {
      rejected.push(`${source}=${javaHome} has no bin/java`);
      continue;
    }
    const major = javaMajor(java);
    if (major !== null && major >= 17) {
      cachedJava = { javaHome, java, major };
      return cachedJava;
    }
    rejected.push(`${source}=${javaHome} is Java ${major ?? '?'}`);
  }
  throw new EnginesError(
    `Java 17 or newer is required to run Kafka ${ENGINE_VERSIONS.kafka} and Elasticsearch ${ENGINE_VERSIONS.elasticsearch}, ` +
      `but ${rejected.length ? `none was usable (${rejected.join('; ')})` : '`java` is not on PATH and JAVA_HOME is not set'}. ` +
      INSTALL_HINT,
  );
}

function findMaven(): string {
  const mvn = findOnPath('mvn');
  if (!mvn) {
    throw new EnginesError(
      'Apache Maven (`mvn`) is not on PATH; it is needed once to download Kafka and Elasticsearch from Maven Central ' +
        `into the engines cache. ${INSTALL_HINT}`,
    );
  }
  return mvn;
}

async function runMaven(
  label: string,
  pomDir: string,
  goalArgs: string[],
  java: JavaInfo,
  log: (line: string) => void,
): Promise<void> {
  const mvn = findMaven();
  const logFile = path.join(pomDir, 'maven.log');
  removeFile(logFile);
  // Let the developer or CI redirect downloads away from ~/.m2 (e.g. to a cached workspace directory).
  const repo = process.env.KC_ENGINES_MAVEN_REPO ? [`-Dmaven.repo.local=${process.env.KC_ENGINES_MAVEN_REPO}`] : [];
  const stop = startTicker(log, (s) => `${label}: still downloading from Maven Central (${s}s, log: ${logFile})`);
  let exit: Exit;
  try {
    exit = await runLogged(mvn, ['-B', '-ntp', ...repo, '-f', path.join(pomDir, 'pom.xml'), ...goalArgs], {
      cwd: pomDir,
      env: { ...process.env, JAVA_HOME: java.javaHome },
      logFile,
    });
  } finally {
    stop();
  }
  if (exit.code !== 0) {
    const output = tail(logFile, 30);
    const network = /Could not transfer|UnknownHost|Connection refused|timed out|Could not resolve/i.test(output)
      ? '\nIs Maven Central reachable? A mirror can be configured in ~/.m2/settings.xml.'
      : '';
    throw new EnginesError(
      `${label}: Maven download ${describeExit(exit)}. Last lines of ${logFile}:\n${output}${network}`,
    );
  }
}

function writePom(dir: string, artifactId: string, dependencies: string): void {
  mkdirp(dir);
  // A throwaway project gives Maven a place to resolve dependencies; it is never built.
  fs.writeFileSync(
    path.join(dir, 'pom.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by infra/engines/engines.ts; only used to resolve artifacts from Maven Central. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vn.kiemchung.engines</groupId>
  <artifactId>${artifactId}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>${dependencies}
  </dependencies>
</project>
`,
  );
  // dependency:unpack skips artifacts it believes are already unpacked; stale markers would leave us without files.
  fs.rmSync(path.join(dir, 'target'), { recursive: true, force: true });
}

const dependencyPlugin = `org.apache.maven.plugins:maven-dependency-plugin:${ENGINE_VERSIONS.mavenDependencyPlugin}`;

async function ensureKafkaDist(k: KafkaLayout, java: JavaInfo, log: (line: string) => void): Promise<void> {
  const marker = path.join(k.distDir, '.complete');
  if (fs.existsSync(marker)) return;
  const v = ENGINE_VERSIONS;
  log(`kafka: downloading org.apache.kafka:kafka_${v.scala}:${v.kafka} and its dependencies (first run only)`);
  const dep = (g: string, a: string, ver: string) =>
    `\n    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${ver}</version></dependency>`;
  writePom(
    k.mavenDir,
    'kafka-runtime',
    dep('org.apache.kafka', `kafka_${v.scala}`, v.kafka) +
      // kafka-tools carries the console producer/consumer and topic admin commands.
      dep('org.apache.kafka', 'kafka-tools', v.kafka) +
      // Kafka only ships the SLF4J API; without a binding the broker logs nothing. Declaring the API directly pins
      // it to the binding's line, because Maven's nearest-wins would otherwise pick Kafka's 1.7 API.
      dep('org.slf4j', 'slf4j-api', v.slf4j) +
      dep('org.slf4j', 'slf4j-simple', v.slf4j),
  );
  const partial = `${k.distDir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  await runMaven(
    'kafka',
    k.mavenDir,
    [
      `${dependencyPlugin}:copy-dependencies`,
      `-DoutputDirectory=${path.join(partial, 'lib')}`,
      '-DincludeScope=runtime',
    ],
    java,
    log,
  );
  if (!fs.existsSync(path.join(partial, 'lib', `kafka_${v.scala}-${v.kafka}.jar`))) {
    throw new EnginesError(`kafka: Maven finished but ${partial}/lib has no Kafka jar; see ${k.mavenDir}/maven.log`);
  }
  fs.writeFileSync(path.join(partial, '.complete'), `${new Date().toISOString()}\n`);
  // Rename is atomic, so an interrupted download never looks like a complete cache.
  fs.rmSync(k.distDir, { recursive: true, force: true });
  mkdirp(path.dirname(k.distDir));
  fs.renameSync(partial, k.distDir);
  log(`kafka: cached ${fs.readdirSync(k.libDir).length} jars in ${k.libDir}`);
}

async function ensureEsDist(e: EsLayout, java: JavaInfo, log: (line: string) => void): Promise<void> {
  const marker = path.join(e.distDir, '.complete');
  if (fs.existsSync(marker)) return;
  const coords = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ENGINE_VERSIONS.elasticsearch}:zip`;
  log(`elasticsearch: downloading ${coords} (first run only)`);
  writePom(e.mavenDir, 'elasticsearch-runtime', '');
  const partial = `${e.distDir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  await runMaven(
    'elasticsearch',
    e.mavenDir,
    [
      `${dependencyPlugin}:unpack`,
      `-Dartifact=${coords}`,
      `-DoutputDirectory=${partial}`,
      '-Dmdep.overWriteReleases=true',
    ],
    java,
    log,
  );
  const inner = path.join(partial, `elasticsearch-${ENGINE_VERSIONS.elasticsearch}`);
  if (!isExecutable(path.join(inner, 'bin', 'elasticsearch'))) {
    throw new EnginesError(`elasticsearch: unpacked archive has no bin/elasticsearch; see ${e.mavenDir}/maven.log`);
  }
  fs.writeFileSync(path.join(inner, '.complete'), `${new Date().toISOString()}\n`);
  fs.rmSync(e.distDir, { recursive: true, force: true });
  mkdirp(path.dirname(e.distDir));
  fs.renameSync(inner, e.distDir);
  fs.rmSync(partial, { recursive: true, force: true });
  log(`elasticsearch: cached distribution in ${e.distDir}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Locking: one start/stop at a time per home (parallel vitest workers, two terminals)
// ---------------------------------------------------------------------------------------------------------------

async function acquireLock(runDir: string, log: (line: string) => void): Promise<() => void> {
  mkdirp(runDir);
  const file = path.join(runDir, 'engines.lock');
  const token = `${process.pid} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(file, token, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === token) removeFile(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = 0;
    let ageMs = 0;
    try {
      owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      ageMs = Date.now() - fs.statSync(file).mtimeMs;
    } catch {
      continue;
    }
    // A lock left by a killed run must not block the next one forever.
    if (!owner || !isAlive(owner) || ageMs > 30 * 60_000) {
      removeFile(file);
      continue;
    }
    if (Date.now() > deadline) {
      throw new EnginesError(`Another process (pid ${owner}) holds ${file}; stop it or delete the file.`);
    }
    if (!announced) {
      log(`engines: waiting for another start/stop (pid ${owner}) to finish`);
      announced = true;
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------------------------------------------

export interface KafkaProbe {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number }[];
  /** Supported [min, max] version per API key, from the broker's ApiVersions response. */
  apiVersions: Record<number, [number, number]>;
  /** Kafka error code of FindCoordinator for a probe group: 0 once consumer groups can work (15 while not yet). */
  groupCoordinatorError: number;
}

class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  string(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const v = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return v;
  }
}

function kafkaString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(bytes.length, 0);
  return Buffer.concat([len, bytes]);
}

/** Minimal Kafka client: one request at a time, request header v1, non-flexible versions only. */
class KafkaWire {
  private buffered = Buffer.alloc(0);
  private pending: { resolve: (r: Reader) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private correlationId = 0;

  private constructor(
    private readonly socket: net.Socket,
    private readonly where: string,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    // A non-Kafka server may answer and hang up; without this a request would never settle.
    socket.on('close', () => this.fail(new Error(`connection to ${where} closed without a Kafka response`)));
  }

  static connect(port: number, host: string, timeoutMs: number): Promise<KafkaWire> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      const wire = new KafkaWire(socket, `${host}:${port}`);
      socket.setTimeout(timeoutMs, () => {
        wire.fail(new Error(`no Kafka response from ${host}:${port} within ${timeoutMs} ms`));
        socket.destroy();
      });
      socket.once('connect', () => resolve(wire));
      socket.once('error', reject);
    });
  }

  request(apiKey: number, apiVersion: number, body: Buffer): Promise<Reader> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = ++this.correlationId;
    const header = Buffer.alloc(8);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(correlationId, 4);
    const payload = Buffer.concat([header, kafkaString('kc-engines'), body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length, 0);
    return new Promise((resolve, reject) => {
      this.pending = {
        resolve: (reader) => {
          if (reader.int32() !== correlationId) reject(new Error(`unexpected correlation id from ${this.where}`));
          else resolve(reader);
        },
        reject,
      };
      this.socket.write(Buffer.concat([size, payload]));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    if (this.buffered.length < 4) return;
    const size = this.buffered.readInt32BE(0);
    if (size < 0 || size > 16 * 1024 * 1024) {
      this.fail(new Error(`${this.where} does not speak the Kafka protocol`));
      return;
    }
    if (this.buffered.length < 4 + size) return;
    const frame = this.buffered.subarray(4, 4 + size);
    this.buffered = this.buffered.subarray(4 + size);
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(new Reader(frame));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(err);
  }
}

/**
 * Talks the Kafka wire protocol directly: ApiVersions, Metadata (a non-flexible version the broker supports) and
 * FindCoordinator. Together they prove the broker serves clients, knows itself and can host consumer groups, without
 * a JVM or an npm client. FindCoordinator also makes the broker create __consumer_offsets before the first real
 * consumer asks, which otherwise gets (and logs) a "coordinator not available" error.
 */
export async function probeKafka(port: number, host = HOST, timeoutMs = 5000): Promise<KafkaProbe> {
  const wire = await KafkaWire.connect(port, host, timeoutMs);
  try {
    const versions = await wire.request(18, 0, Buffer.alloc(0));
    const error = versions.int16();
    const apiVersions: Record<number, [number, number]> = {};
    const count = versions.int32();
    for (let i = 0; i < count; i++) apiVersions[versions.int16()] = [versions.int16(), versions.int16()];
    if (error !== 0 && count === 0) throw new Error(`ApiVersions failed with Kafka error code ${error}`);

    const range = apiVersions[3];
    // Metadata v1..v8 are the non-flexible versions this parser understands.
    if (!range || range[0] > 8 || range[1] < 1) throw new Error('broker offers no Metadata version between 1 and 8');
    const v = Math.min(range[1], 8);
    // Empty topic list (brokers and cluster only); v4+ adds allow_auto_topic_creation, v8 two "include" flags.
    const metaBody = Buffer.alloc(4 + (v >= 4 ? 1 : 0) + (v >= 8 ? 2 : 0));
    const meta = await wire.request(3, v, metaBody);
    if (v >= 3) meta.int32(); // throttle time
    const brokers: KafkaProbe['brokers'] = [];
    const n = meta.int32();
    for (let i = 0; i < n; i++) {
      const nodeId = meta.int32();
      const brokerHost = meta.string() ?? '';
      const brokerPort = meta.int32();
      meta.string(); // rack
      brokers.push({ nodeId, host: brokerHost, port: brokerPort });
    }
    const clusterId = v >= 2 ? meta.string() : null;
    const controllerId = meta.int32();

    let groupCoordinatorError = -1;
    const fc = apiVersions[10];
    if (fc && fc[0] === 0) {
      const coordinator = await wire.request(10, 0, kafkaString('kc-engines-health'));
      groupCoordinatorError = coordinator.int16();
    }
    return { clusterId, controllerId, brokers, apiVersions, groupCoordinatorError };
  } finally {
    wire.close();
  }
}

async function kafkaHealth(port: number): Promise<{ healthy: boolean; detail: string }> {
  try {
    const probe = await probeKafka(port);
    const self = probe.brokers.find((b) => b.port === port);
    if (!self) return { healthy: false, detail: `metadata lists no broker on port ${port} yet` };
    // -1: FindCoordinator v0 no longer offered by a future broker; the Metadata answer is then all we check.
    if (probe.groupCoordinatorError > 0) {
      return { healthy: false, detail: `group coordinator not ready (Kafka error ${probe.groupCoordinatorError})` };
    }
    return {
      healthy: true,
      detail: `cluster ${probe.clusterId ?? '?'}, broker ${self.nodeId} at ${self.host}:${port}`,
    };
  } catch (err) {
    return { healthy: false, detail: (err as Error).message };
  }
}

function kafkaServerProperties(k: KafkaLayout): string {
  return `# Generated by infra/engines/engines.ts on every start; edit that file instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${k.controllerPort}
listeners=PLAINTEXT://${HOST}:${k.port},CONTROLLER://${HOST}:${k.controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${k.port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${k.dataDir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
# Internal topics default to replication factor 3; on one broker consumer groups and transactions would never
# get a coordinator.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join groups one consumer at a time; the default 3 s delay only slows them down.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
`;
}

function readProperties(file: string): Record<string, string> | null {
  try {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*([^#=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
      if (m?.[1]) out[m[1]] = m[2] ?? '';
    }
    return out;
  } catch {
    return null;
  }
}

interface KafkaStorage {
  clusterId: string;
  kafkaVersion: string;
  controllerPort: number;
}

/** Kafka's Uuid format: 16 random bytes, URL-safe base64 without padding, never starting with '-'. */
function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function kafkaJvmArgs(extra: string[]): string[] {
  return ['-Djava.awt.headless=true', '-Dfile.encoding=UTF-8', ...extra];
}

/**
 * Reuses storage only when it was formatted by us for this cluster id, Kafka version and controller port;
 * otherwise (stale data from a killed run, another cluster, a version bump) wipes and reformats.
 */
async function prepareKafkaStorage(k: KafkaLayout, java: JavaInfo, log: (line: string) => void, force = false) {
  let expected: KafkaStorage | null = null;
  try {
    expected = JSON.parse(fs.readFileSync(k.storageFile, 'utf8')) as KafkaStorage;
  } catch {
    expected = null;
  }
  const meta = readProperties(path.join(k.dataDir, 'meta.properties'));
  const reusable =
    !force &&
    expected !== null &&
    meta !== null &&
    meta['cluster.id'] === expected.clusterId &&
    meta['node.id'] === '1' &&
    expected.kafkaVersion === ENGINE_VERSIONS.kafka &&
    expected.controllerPort === k.controllerPort;
  if (reusable) return;

  const hasData = fs.existsSync(k.dataDir) && fs.readdirSync(k.dataDir).length > 0;
  if (hasData) log(`kafka: wiping storage ${k.dataDir} (stale or from another cluster/version) and reformatting`);
  fs.rmSync(k.dataDir, { recursive: true, force: true });
  mkdirp(k.dataDir);
  const clusterId = kafkaClusterId();
  const formatLog = path.join(k.instanceDir, 'format.log');
  removeFile(formatLog);
  const exit = await runLogged(
    java.java,
    [
      ...kafkaJvmArgs(['-Xmx256m']),
      '-cp',
      path.join(k.libDir, '*'),
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId,
      '--config',
      k.configFile,
    ],
    { cwd: k.instanceDir, logFile: formatLog },
  );
  if (exit.code !== 0) {
    throw new EnginesError(
      `kafka: formatting storage ${describeExit(exit)}. Last lines of ${formatLog}:\n${tail(formatLog)}`,
    );
  }
  const storage: KafkaStorage = { clusterId, kafkaVersion: ENGINE_VERSIONS.kafka, controllerPort: k.controllerPort };
  fs.writeFileSync(k.storageFile, `${JSON.stringify(storage, null, 2)}\n`);
}

/** Our broker's pid: from the pid file, or from whoever listens on the port if that is our broker (pid file lost). */
function kafkaPid(k: KafkaLayout): number | null {
  for (const pid of [readPidFile(k.pidFile), listeningPid(k.port)]) {
    if (pid !== null && isOurProcess(pid, k.configFile)) return pid;
  }
  return null;
}

function kafkaState(k: KafkaLayout, pid: number): EngineState {
  const startedAt = new Date().toISOString();
  return {
    pid,
    port: k.port,
    auxPort: k.controllerPort,
    version: ENGINE_VERSIONS.kafka,
    logFile: k.logFile,
    startedAt,
  };
}

function esState(e: EsLayout, pid: number): EngineState {
  const startedAt = new Date().toISOString();
  return {
    pid,
    port: e.port,
    auxPort: e.transportPort,
    version: ENGINE_VERSIONS.elasticsearch,
    logFile: e.logFile,
    startedAt,
  };
}

function writeState(pidFile: string, stateFile: string, state: EngineState): void {
  fs.writeFileSync(pidFile, `${state.pid}\n`);
  fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** Broker failures that a clean storage fixes; anything else (ports, config, JVM) is reported, not papered over. */
const KAFKA_STORAGE_FAILURE =
  /InconsistentClusterIdException|Invalid cluster\.id|meta\.properties|KafkaStorageException|CorruptRecordException|InvalidRecordException|bootstrap\.checkpoint/;

async function waitForHealth(
  engine: EngineName,
  check: () => Promise<{ healthy: boolean; detail: string }>,
  opts: { timeoutMs: number; exited: () => Exit | null; logFile: string; log: (line: string) => void },
): Promise<void> {
  const started = Date.now();
  let last = { healthy: false, detail: 'not checked yet' };
  const stop = startTicker(opts.log, (s) => `${engine}: waiting until healthy (${s}s: ${last.detail})`);
  try {
    while (Date.now() - started < opts.timeoutMs) {
      const exit = opts.exited();
      if (exit) {
        throw new EnginesError(
          `${engine} ${describeExit(exit)} during startup. Last lines of ${opts.logFile}:\n${tail(opts.logFile)}`,
        );
      }
      last = await check();
      if (last.healthy) {
        opts.log(`${engine}: healthy after ${((Date.now() - started) / 1000).toFixed(1)}s (${last.detail})`);
        return;
      }
      await sleep(500);
    }
  } finally {
    stop();
  }
  throw new EnginesError(
    `${engine} did not become healthy within ${Math.round(opts.timeoutMs / 1000)}s (${last.detail}). ` +
      `See ${opts.logFile}. Last lines:\n${tail(opts.logFile)}`,
  );
}

async function terminate(pids: number[], graceMs: number): Promise<boolean> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(200);
  const stubborn = pids.filter(isAlive);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (Date.now() < killDeadline && stubborn.some(isAlive)) await sleep(100);
  return stubborn.length > 0;
}

async function startKafka(L: Layout, ctx: StartContext): Promise<void> {
  const k = L.kafka;
  const { log } = ctx;
  const pid = kafkaPid(k);
  if (pid === null) {
    await checkPortsFree('kafka', [
      { port: k.port, what: 'broker', option: 'kafkaPort (--kafka-port)' },
      { port: k.controllerPort, what: 'controller', option: 'kafkaPort (--kafka-port)' },
    ]);
  } else if (readPidFile(k.pidFile) !== pid) {
    log(`kafka: adopting running broker pid ${pid} (its pid file was missing)`);
    writeState(k.pidFile, k.stateFile, kafkaState(k, pid));
  }
  if (pid !== null) {
    const state = readState(k.stateFile);
    if (state && state.port !== k.port) {
      throw new EnginesError(
        `kafka is already running on port ${state.port} (pid ${pid}); stop it before changing ports.`,
      );
    }
    const health = await kafkaHealth(k.port);
    if (health.healthy) {
      log(`kafka: already running (pid ${pid}) on ${HOST}:${k.port}`);
      return;
    }
    log(`kafka: running (pid ${pid}) but not healthy yet (${health.detail}); waiting`);
    await waitForHealth('kafka', () => kafkaHealth(k.port), {
      timeoutMs: ctx.timeoutMs,
      exited: () => (isAlive(pid) ? null : { code: null, signal: null }),
      logFile: k.logFile,
      log,
    });
    return;
  }

  // Stale pid/state from a killed run.
  removeFile(k.pidFile);
  removeFile(k.stateFile);
  const java = ctx.java();
  await ensureKafkaDist(k, java, log);
  mkdirp(k.instanceDir);
  fs.writeFileSync(k.configFile, kafkaServerProperties(k));

  for (let attempt = 1; ; attempt++) {
    await prepareKafkaStorage(k, java, log, attempt > 1);
    rotateLog(k.logFile);
    const fd = fs.openSync(k.logFile, 'a');
    const child = spawn(
      java.java,
      [
        ...kafkaJvmArgs([
          '-Xms128m',
          '-Xmx512m',
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:+ExitOnOutOfMemoryError',
          '-Dorg.slf4j.simpleLogger.showDateTime=true',
          "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        ]),
        '-cp',
        path.join(k.libDir, '*'),
        'kafka.Kafka',
        k.configFile,
      ],
      // Own session: the broker must outlive this process and ignore the terminal's Ctrl-C.
      { cwd: k.instanceDir, detached: true, stdio: ['ignore', fd, fd] },
    );
    fs.closeSync(fd);
    const exited = trackExit(child);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    const childPid = child.pid!;
    writeState(k.pidFile, k.stateFile, kafkaState(k, childPid));
    log(`kafka: started pid ${childPid}, log ${k.logFile}`);
    try {
      await waitForHealth('kafka', () => kafkaHealth(k.port), {
        timeoutMs: ctx.timeoutMs,
        exited,
        logFile: k.logFile,
        log,
      });
      return;
    } catch (err) {
      const died = exited() !== null;
      if (!died) await terminate([childPid], 10_000);
      removeFile(k.pidFile);
      removeFile(k.stateFile);
      if (died && attempt === 1 && KAFKA_STORAGE_FAILURE.test(tail(k.logFile, 200))) {
        log('kafka: broker failed on its storage; wiping it and retrying once');
        continue;
      }
      throw err;
    }
  }
}

/**
 * Runs a Kafka command-line tool class (e.g. org.apache.kafka.tools.TopicCommand) with the cached classpath.
 * The engines must have been started (or at least downloaded) once with the same home.
 */
export async function runKafkaTool(
  mainClass: string,
  args: string[],
  options: Pick<EnginesOptions, 'home'> & { input?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const k = buildLayout({ home: options.home }).kafka;
  if (!fs.existsSync(path.join(k.distDir, '.complete'))) {
    throw new EnginesError(`Kafka is not downloaded into ${k.distDir} yet; run startEngines() first.`);
  }
  const java = findJava();
  const child = spawn(
    java.java,
    [
      ...kafkaJvmArgs(['-Xmx256m', '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn']),
      '-cp',
      path.join(k.libDir, '*'),
      mainClass,
      ...args,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c) => resolve(c));
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Elasticsearch
// ---------------------------------------------------------------------------------------------------------------

async function esHealth(port: number): Promise<{ healthy: boolean; detail: string }> {
  try {
    const res = await fetch(`http://${HOST}:${port}/_cluster/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status?: string; cluster_name?: string };
    if (res.ok && (body.status === 'green' || body.status === 'yellow')) {
      return { healthy: true, detail: `cluster ${body.cluster_name ?? '?'} status ${body.status}` };
    }
    return { healthy: false, detail: `cluster health HTTP ${res.status}, status ${body.status ?? '?'}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { healthy: false, detail: cause ?? (err as Error).message };
  }
}

/** The node JVM receives its config path over stdin, so the distribution path is what identifies our processes. */
function esConfigNeedle(e: EsLayout): string {
  return `-Des.path.home=${e.distDir}`;
}

function esPid(e: EsLayout): number | null {
  for (const pid of [readPidFile(e.pidFile), readPidFile(e.ownPidFile), listeningPid(e.port)]) {
    if (pid !== null && isOurProcess(pid, esConfigNeedle(e))) return pid;
  }
  return null;
}

function ensureSystemUser(log: (line: string) => void): UserIds {
  const existing = lookupUser(ES_SYSTEM_USER);
  if (existing) return existing;
  log(`elasticsearch: creating system user ${ES_SYSTEM_USER} (Elasticsearch refuses to run as root)`);
  const res = spawnSync(
    'useradd',
    [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      ES_SYSTEM_USER,
    ],
    { encoding: 'utf8' },
  );
  // A parallel run may have created it between our lookup and useradd.
  const created = lookupUser(ES_SYSTEM_USER);
  if (created) return created;
  throw new EnginesError(
    `Elasticsearch refuses to run as root, and creating the system user ${ES_SYSTEM_USER} failed ` +
      `(${res.error?.message ?? res.stderr?.trim() ?? `useradd exit ${res.status}`}). Create it with ` +
      `\`useradd --system --user-group --no-create-home --shell /usr/sbin/nologin ${ES_SYSTEM_USER}\`, or run as a non-root user.`,
  );
}

/** Prefixes a command so it runs as `user`; setpriv execs in place, so the spawned pid is the command itself. */
function asUser(user: UserIds, command: string[]): string[] {
  const setpriv = findOnPath('setpriv') ?? (isExecutable('/usr/bin/setpriv') ? '/usr/bin/setpriv' : null);
  if (setpriv) {
    return [setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...command];
  }
  const runuser = findOnPath('runuser') ?? (isExecutable('/usr/sbin/runuser') ? '/usr/sbin/runuser' : null);
  if (runuser) return [runuser, '-u', ES_SYSTEM_USER, '--', ...command];
  throw new EnginesError('Neither setpriv nor runuser is available to drop root privileges for Elasticsearch.');
}

let announcedBase = false;

/** The ES user must traverse every directory down to its files, whatever umask created them. */
function prepareEsBase(L: Layout, log: (line: string) => void): void {
  const e = L.es;
  if (e.base !== L.home && !announcedBase) {
    log(`elasticsearch: ${L.home} is not reachable by ${ES_SYSTEM_USER}; using ${e.base} for its files`);
    announcedBase = true;
  }
  const shared = [path.dirname(e.distDir), e.base];
  if (e.base !== L.home) shared.push(path.dirname(e.base));
  for (const dir of shared) {
    mkdirp(dir);
    // Add group/other read+search; never take permissions away from a directory the developer chose.
    if (e.runAs) fs.chmodSync(dir, (fs.statSync(dir).mode & 0o7777) | 0o055);
  }
}

function writeEsConfig(e: EsLayout): void {
  mkdirp(path.join(e.confDir, 'jvm.options.d'));
  const distConf = path.join(e.distDir, 'config');
  // Keep files Elasticsearch writes itself (the keystore) and copy the distribution defaults only once.
  for (const entry of fs.readdirSync(distConf)) {
    const target = path.join(e.confDir, entry);
    if (entry === 'elasticsearch.yml' || entry === 'jvm.options' || fs.existsSync(target)) continue;
    fs.cpSync(path.join(distConf, entry), target, { recursive: true });
  }
  // The stock GC log keeps 32 x 64 MB files; that is 2 GB of disk for a dev node.
  const jvmOptions = fs
    .readFileSync(path.join(distConf, 'jvm.options'), 'utf8')
    .replace(/filecount=\d+,filesize=\d+m/, 'filecount=2,filesize=16m');
  fs.writeFileSync(path.join(e.confDir, 'jvm.options'), jvmOptions);
  fs.writeFileSync(path.join(e.confDir, 'jvm.options.d', 'kc-heap.options'), '-Xms512m\n-Xmx512m\n');
  fs.writeFileSync(
    path.join(e.confDir, 'elasticsearch.yml'),
    `# Generated by infra/engines/engines.ts on every start; edit that file instead.
cluster.name: ${ES_CLUSTER_NAME}
node.name: kc-es-1
path.data: ${e.dataDir}
path.logs: ${e.logsDir}
network.host: ${HOST}
http.port: ${e.port}
transport.port: ${e.transportPort}
discovery.type: single-node
xpack.security.enabled: false
# Dev disks are often nearly full; the watermarks would silently make every index read-only.
cluster.routing.allocation.disk.threshold_enabled: false
# Lets tests clean up with wildcard deletes.
action.destructive_requires_name: false
`,
  );
}

/** Elasticsearch failures that a clean data directory fixes (version skew, corrupted state after a hard kill). */
const ES_DATA_FAILURE =
  /cannot downgrade a node|IndexFormatTooNew|IndexFormatTooOld|CorruptStateException|CorruptIndexException|incompatible with this version|locked into cluster UUID/;

async function startElasticsearch(L: Layout, ctx: StartContext): Promise<void> {
  const e = L.es;
  const { log } = ctx;
  const pid = esPid(e);
  if (pid === null) {
    await checkPortsFree('elasticsearch', [
      { port: e.port, what: 'HTTP', option: 'esPort (--es-port)' },
      { port: e.transportPort, what: 'transport', option: 'esPort (--es-port)' },
    ]);
  } else if (readPidFile(e.pidFile) !== pid) {
    log(`elasticsearch: adopting running node pid ${pid} (its pid file was missing)`);
    writeState(e.pidFile, e.stateFile, esState(e, pid));
  }
  if (pid !== null) {
    const state = readState(e.stateFile);
    if (state && state.port !== e.port) {
      throw new EnginesError(
        `elasticsearch is already running on port ${state.port} (pid ${pid}); stop it before changing ports.`,
      );
    }
    const health = await esHealth(e.port);
    if (health.healthy) {
      log(`elasticsearch: already running (pid ${pid}) on http://${HOST}:${e.port}`);
      return;
    }
    log(`elasticsearch: running (pid ${pid}) but not healthy yet (${health.detail}); waiting`);
    await waitForHealth('elasticsearch', () => esHealth(e.port), {
      timeoutMs: ctx.timeoutMs,
      exited: () => (isAlive(pid) ? null : { code: null, signal: null }),
      logFile: e.logFile,
      log,
    });
    return;
  }

  removeFile(e.pidFile);
  removeFile(e.stateFile);
  const java = ctx.java();
  const user = e.runAs ? ensureSystemUser(log) : null;
  prepareEsBase(L, log);
  await ensureEsDist(e, java, log);

  for (let attempt = 1; ; attempt++) {
    const versionOnDisk = fs.existsSync(e.dataVersionFile) ? fs.readFileSync(e.dataVersionFile, 'utf8').trim() : null;
    const hasData = fs.existsSync(e.dataDir) && fs.readdirSync(e.dataDir).length > 0;
    if (attempt > 1 || (hasData && versionOnDisk !== ENGINE_VERSIONS.elasticsearch)) {
      log(`elasticsearch: wiping data ${e.dataDir} (written by another version or unreadable)`);
      fs.rmSync(e.dataDir, { recursive: true, force: true });
    }
    for (const dir of [e.instanceDir, e.dataDir, e.logsDir, e.tmpDir, path.dirname(e.ownPidFile)]) mkdirp(dir);
    fs.writeFileSync(e.dataVersionFile, `${ENGINE_VERSIONS.elasticsearch}\n`);
    writeEsConfig(e);
    removeFile(e.ownPidFile);
    rotateLog(e.launcherLog);
    if (user) {
      // The brief window where files are root-owned is harmless: nothing else uses this instance yet.
      chownRecursive(e.instanceDir, user);
      if (fs.lstatSync(e.distDir).uid !== user.uid) chownRecursive(e.distDir, user);
    }

    const command = [path.join(e.distDir, 'bin', 'elasticsearch'), '-d', '-p', e.ownPidFile];
    const full = user ? asUser(user, command) : command;
    const fd = fs.openSync(e.launcherLog, 'a');
    if (user) fs.fchownSync(fd, user.uid, user.gid);
    // -d: the launcher JVM waits until the node has started (or failed), then exits and leaves only the node.
    const launcher = spawn(full[0]!, full.slice(1), {
      cwd: e.instanceDir,
      detached: true,
      stdio: ['ignore', fd, fd],
      // A clean environment: inherited JAVA_TOOL_OPTIONS or ES_JAVA_OPTS would change heap or logging silently.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: process.env.LANG ?? 'C.UTF-8',
        HOME: e.instanceDir,
        ES_JAVA_HOME: java.javaHome,
        ES_PATH_CONF: e.confDir,
        ES_TMPDIR: e.tmpDir,
      },
    });
    fs.closeSync(fd);
    const launcherExit = trackExit(launcher);
    await new Promise<void>((resolve, reject) => {
      launcher.once('spawn', resolve);
      launcher.once('error', reject);
    });
    launcher.unref();
    // Until the node writes its own pid file, the launcher is what a stop must find.
    fs.writeFileSync(e.pidFile, `${launcher.pid}\n`);
    log(`elasticsearch: launching (launcher pid ${launcher.pid}), log ${e.logFile}`);

    const started = Date.now();
    const stopTicker = startTicker(log, (s) => `elasticsearch: waiting for the node to start (${s}s)`);
    let exit: Exit | null = null;
    try {
      for (;;) {
        exit = launcherExit();
        if (exit || Date.now() - started >= ctx.timeoutMs) break;
        await sleep(250);
      }
    } finally {
      stopTicker();
    }
    const nodePid = readPidFile(e.ownPidFile);
    const failure = (why: string) =>
      new EnginesError(
        `elasticsearch ${why}. See ${e.logFile} and ${e.launcherLog}. Last lines of the launcher output:\n` +
          `${tail(e.launcherLog)}`,
      );
    if (exit?.code !== 0) {
      await terminate([launcher.pid!, ...(nodePid !== null ? [nodePid] : [])].filter(isAlive), 10_000);
      removeFile(e.pidFile);
      const logs = `${tail(e.launcherLog, 200)}\n${tail(e.logFile, 200)}`;
      if (exit && attempt === 1 && ES_DATA_FAILURE.test(logs)) {
        log('elasticsearch: node failed on its data directory; wiping it and retrying once');
        continue;
      }
      throw failure(
        exit ? `launcher ${describeExit(exit)} during startup` : `did not start within ${ctx.timeoutMs / 1000}s`,
      );
    }
    if (nodePid === null || !isAlive(nodePid)) throw failure('launcher reported success but the node is not running');
    writeState(e.pidFile, e.stateFile, esState(e, nodePid));
    await waitForHealth('elasticsearch', () => esHealth(e.port), {
      timeoutMs: Math.max(30_000, ctx.timeoutMs - (Date.now() - started)),
      exited: () => (isAlive(nodePid) ? null : { code: null, signal: null }),
      logFile: e.logFile,
      log,
    });
    return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

interface StartContext {
  log: (line: string) => void;
  timeoutMs: number;
  java: () => JavaInfo;
}

function selectEngines(which: EngineName[] | undefined): EngineName[] {
  const list = which ?? [...ENGINE_NAMES];
  for (const name of list) {
    if (!ENGINE_NAMES.includes(name)) {
      throw new EnginesError(`Unknown engine "${String(name)}"; expected one of ${ENGINE_NAMES.join(', ')}.`);
    }
  }
  return ENGINE_NAMES.filter((n) => list.includes(n));
}

function addresses(L: Layout): StartedEngines {
  return {
    kafkaBrokers: `${HOST}:${L.kafka.port}`,
    elasticsearchUrl: `http://${HOST}:${L.es.port}`,
    logs: { kafka: L.kafka.logFile, elasticsearch: L.es.logFile },
  };
}

/**
 * Starts the selected engines (both by default) or reuses running, healthy ones, and resolves once each answers a
 * real health check. The returned addresses always cover both engines, started or not.
 */
export async function startEngines(options: EnginesOptions = {}): Promise<StartedEngines> {
  const which = selectEngines(options.which);
  const log = options.log ?? (() => {});
  const home = resolveHome(options);
  mkdirp(home);
  const L = buildLayout({ ...options, home: fs.realpathSync(home) });
  const release = await acquireLock(L.runDir, log);
  try {
    const ctx: StartContext = { log, timeoutMs: options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, java: findJava };
    // Downloads run one after the other because concurrent Maven runs can corrupt a shared ~/.m2; launches overlap.
    if (which.includes('kafka') && kafkaPid(L.kafka) === null) await ensureKafkaDist(L.kafka, ctx.java(), log);
    if (which.includes('elasticsearch') && esPid(L.es) === null) {
      if (L.es.runAs) ensureSystemUser(log);
      prepareEsBase(L, log);
      await ensureEsDist(L.es, ctx.java(), log);
    }
    const results = await Promise.allSettled(
      which.map((engine) => (engine === 'kafka' ? startKafka(L, ctx) : startElasticsearch(L, ctx))),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new EnginesError(failures.map((f) => f.message).join('\n\n'));
  } finally {
    release();
  }
  return addresses(L);
}

/** Stops the selected engines: SIGTERM, then SIGKILL after a 30 s grace period; removes pid and state files. */
export async function stopEngines(options: EnginesOptions = {}): Promise<StopResult[]> {
  const which = selectEngines(options.which);
  const log = options.log ?? (() => {});
  const L = buildLayout(options);
  if (!fs.existsSync(L.home)) return which.map((engine) => ({ engine, wasRunning: false, pids: [], forced: false }));
  const release = await acquireLock(L.runDir, log);
  try {
    return await Promise.all(
      which.map(async (engine): Promise<StopResult> => {
        const needle = engine === 'kafka' ? L.kafka.configFile : esConfigNeedle(L.es);
        const ports = engine === 'kafka' ? [L.kafka.port, L.kafka.controllerPort] : [L.es.port, L.es.transportPort];
        const pidFiles = engine === 'kafka' ? [L.kafka.pidFile] : [L.es.pidFile, L.es.ownPidFile];
        // Pid files can be lost (killed run, manual cleanup); our own listeners are found through their ports too.
        const candidates = [...pidFiles.map(readPidFile), ...ports.map(listeningPid)];
        const pids = [...new Set(candidates.filter((p): p is number => p !== null && isOurProcess(p, needle)))];
        let forced = false;
        if (pids.length > 0) {
          log(`${engine}: stopping pid ${pids.join(', ')}`);
          forced = await terminate(pids, STOP_GRACE_MS);
          if (forced) log(`${engine}: did not stop within ${STOP_GRACE_MS / 1000}s; sent SIGKILL`);
        }
        for (const file of pidFiles) removeFile(file);
        removeFile(engine === 'kafka' ? L.kafka.stateFile : L.es.stateFile);
        return { engine, wasRunning: pids.length > 0, pids, forced };
      }),
    );
  } finally {
    release();
  }
}

/** Reports, for each selected engine, whether our instance runs, its pid, address, health, log file and memory. */
export async function engineStatus(options: EnginesOptions = {}): Promise<EngineStatus[]> {
  const which = selectEngines(options.which);
  const L = buildLayout(options);
  return Promise.all(
    which.map(async (engine): Promise<EngineStatus> => {
      const isKafka = engine === 'kafka';
      const pid = isKafka ? kafkaPid(L.kafka) : esPid(L.es);
      const port = isKafka ? L.kafka.port : L.es.port;
      const health = isKafka ? await kafkaHealth(port) : await esHealth(port);
      let detail = health.detail;
      if (pid === null) {
        detail = (await portIsFree(port))
          ? 'not running'
          : `not running; port ${port} is held by ${describePid(listeningPid(port))}, which these tools do not manage`;
      }
      return {
        engine,
        version: isKafka ? ENGINE_VERSIONS.kafka : ENGINE_VERSIONS.elasticsearch,
        running: pid !== null,
        pid,
        address: isKafka ? `${HOST}:${port}` : `http://${HOST}:${port}`,
        healthy: pid !== null && health.healthy,
        detail,
        logFile: isKafka ? L.kafka.logFile : L.es.logFile,
        rssBytes: pid !== null ? rssBytes(pid) : null,
      };
    }),
  );
}

/** Where the engines keep their files, for tools and docs that need to point at them. */
export function enginesHome(options: Pick<EnginesOptions, 'home'> = {}): string {
  return resolveHome(options);
}
