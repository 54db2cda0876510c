'use strict';
/**
 * n8n in queue mode on this machine: a private PostgreSQL and Redis in a local folder,
 * then n8n main (`n8n start`), N workers (`n8n worker`) and webhook processors
 * (`n8n webhook`), all sharing one N8N_USER_FOLDER whose nodes folder holds the built
 * package (where Community Nodes installs it), so every process loads it.
 *
 * Used by scripts/start-queue.js (`npm run start:queue`), test/e2e/queue-mode.test.js and
 * bench/queue-binary.js. Builds on scripts/n8n/harness.js (install, user folder, env).
 *
 *   const queue = require('./scripts/n8n/queue');
 *   const stack = await queue.startQueueStack({ root: '/tmp/q', workers: 2, webhooks: 1,
 *     beforeN8n: async (n8n) => { await n8n.importCredential(...); ... } });
 *   stack.main.url, stack.webhooks[0].url, stack.workers[0].pid, stack.postgres.psql('select 1')
 *   await stack.stop();
 *
 * Every process runs in its own process group; stop(), process exit and (unless
 * useOwnSignalHandlers) SIGINT/SIGTERM kill them all.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const harness = require('./harness');

const INSTALL_DEPS_SCRIPT = path.join(__dirname, 'install-queue-deps.sh');
const N8N_ENTRY = path.join(harness.INSTALL_DIR, 'node_modules', 'n8n', 'bin', 'n8n');
const DB_NAME = 'n8n';
const DB_USER = 'n8n';
const BOOT_TIMEOUT_MS = 3 * 60 * 1000;
const STOP_GRACE_MS = 15 * 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(message) {
	if (process.env.N8N_HARNESS_QUIET === '1') return;
	process.stderr.write(`[n8n-queue] ${message}\n`);
}

// ------------------------------------------------------------ processes

/** For scripts that handle Ctrl-C themselves (scripts/start-queue.js): call stop() on shutdown. */
function useOwnSignalHandlers() {
	harness.useOwnSignalHandlers();
}

/**
 * Spawns `command` as the leader of a new process group, output to `logFile`. Resolves
 * a handle { pid, child, logFile, output(), exited, kill(signal), stop({signal, graceMs}) }.
 */
function spawnGroup(name, command, args, { env = process.env, cwd, logFile, uid, gid }) {
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	// The harness tracks the group: its exit hook, signal handlers and stopAllChildren() cover it,
	// and it SIGKILLs the group's leftovers (task runners) when the leader exits.
	const child = harness.spawnTracked(command, args, { env, cwd, uid, gid });
	let recent = '';
	const keep = (chunk) => {
		logStream.write(chunk);
		recent = (recent + chunk).split('\n').slice(-200).join('\n');
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => {
			logStream.end();
			resolve({ code, signal });
		}),
	);
	const handle = {
		name,
		pid: child.pid,
		child,
		logFile,
		output: () => recent,
		exited,
		isRunning: () => child.exitCode === null && child.signalCode === null,
		/** Signals the whole group (the process and its task runner). */
		kill: (signal = 'SIGKILL') => harness.killProcessGroup(child.pid, signal),
		async stop({ signal = 'SIGTERM', graceMs = STOP_GRACE_MS } = {}) {
			if (!handle.isRunning()) return exited;
			harness.killProcessGroup(child.pid, signal);
			let timer;
			const late = new Promise((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
			if ((await Promise.race([exited, late])) === 'late') {
				log(`${name} ignored ${signal} for ${graceMs} ms: SIGKILL`);
				harness.killProcessGroup(child.pid, 'SIGKILL');
			}
			clearTimeout(timer);
			return exited;
		},
	};
	return handle;
}

async function waitFor(what, check, { timeoutMs = BOOT_TIMEOUT_MS, handle, intervalMs = 300 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastReport = Date.now();
	while (Date.now() < deadline) {
		if (handle && !handle.isRunning()) {
			throw new Error(`${what}: the process exited during start-up\n${handle.output().split('\n').slice(-40).join('\n')}`);
		}
		if (await check()) return;
		if (Date.now() - lastReport > 15000) {
			lastReport = Date.now();
			log(`still waiting for ${what}…`);
		}
		await sleep(intervalMs);
	}
	throw new Error(`${what} was not ready after ${timeoutMs} ms${handle ? `\n${handle.output().split('\n').slice(-40).join('\n')}` : ''}`);
}

async function httpOk(url) {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
		await response.arrayBuffer();
		return response.status === 200;
	} catch {
		return false;
	}
}

// ------------------------------------------------------- Postgres, Redis

function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (fs.existsSync(root)) {
		const versions = fs
			.readdirSync(root)
			.filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb')))
			.sort((a, b) => Number(b) - Number(a));
		if (versions.length > 0) return path.join(root, versions[0], 'bin');
	}
	const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
	return found ? path.dirname(found) : undefined;
}

function redisServerBinary() {
	return spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim() || undefined;
}

/**
 * Makes sure PostgreSQL and redis-server are installed: runs install-queue-deps.sh
 * (apt-get) when one is missing. Throws with a clear message when that fails.
 */
function ensureQueueDeps({ install = true } = {}) {
	if (!postgresBinDir() || !redisServerBinary()) {
		if (!install) throw new Error('PostgreSQL or redis-server is missing: run bash scripts/n8n/install-queue-deps.sh');
		log('PostgreSQL or Redis is missing: running scripts/n8n/install-queue-deps.sh');
		const result = spawnSync('bash', [INSTALL_DEPS_SCRIPT], { stdio: 'inherit' });
		if (result.status !== 0) {
			throw new Error(
				`Queue mode needs PostgreSQL and Redis, and scripts/n8n/install-queue-deps.sh could not install them (exit ${result.status}). ` +
					'Install the Debian packages postgresql and redis-server (as root), then run this again.',
			);
		}
	}
	const binDir = postgresBinDir();
	const redis = redisServerBinary();
	if (!binDir || !redis) throw new Error('PostgreSQL (initdb) or redis-server is still missing after install-queue-deps.sh');
	return { postgresBinDir: binDir, redisServer: redis };
}

/** Postgres refuses to run as root: as root, its files and processes belong to user `postgres`. */
function postgresOwner() {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
	if (!Number.isInteger(uid) || uid <= 0) throw new Error('Running as root, but there is no user "postgres" to run PostgreSQL as');
	return { uid, gid };
}

/**
 * A PostgreSQL server in `dataDir` (initdb the first time: superuser `n8n`, trust auth on
 * loopback only), listening on 127.0.0.1:`port`, socket in the data folder, database `n8n`.
 */
async function startPostgres({ dataDir, port, logFile, settings = {} }) {
	const { postgresBinDir: binDir } = ensureQueueDeps();
	const owner = postgresOwner();
	const ownerEnv = { ...process.env, LC_ALL: 'C', HOME: os.tmpdir() };
	const asOwner = { uid: owner.uid, gid: owner.gid, cwd: os.tmpdir(), env: ownerEnv, encoding: 'utf8' };
	if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
		fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
		if (owner.uid !== undefined) {
			fs.chownSync(dataDir, owner.uid, owner.gid);
			// User postgres must be able to reach the folder (mkdtemp makes its folders 0700).
			for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
				const { mode } = fs.statSync(dir);
				if ((mode & 0o001) === 0) fs.chmodSync(dir, (mode & 0o7777) | 0o001);
			}
		}
		log(`initdb ${dataDir}`);
		const init = spawnSync(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', DB_USER, '--auth=trust', '-E', 'UTF8'], asOwner);
		if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}):\n${init.stdout}\n${init.stderr}`);
	}
	fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true, recursive: false }); // left by a killed run
	const args = ['-D', dataDir, '-p', String(port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1'];
	for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
	const handle = spawnGroup('postgres', path.join(binDir, 'postgres'), args, { ...asOwner, logFile });
	await waitFor(
		`PostgreSQL on port ${port}`,
		() => spawnSync(path.join(binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0,
		{ handle, timeoutMs: 60000 },
	);
	const psql = (sql, { database = DB_NAME } = {}) => {
		const result = spawnSync(path.join(binDir, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', DB_USER, '-d', database, '-At', '-F', '\t', '-c', sql], {
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
		if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
		return result.stdout.trim();
	};
	if (psql(`SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'`, { database: 'postgres' }) !== '1') {
		psql(`CREATE DATABASE ${DB_NAME}`, { database: 'postgres' });
	}
	log(`PostgreSQL ready on 127.0.0.1:${port} (data ${dataDir})`);
	return {
		...handle,
		port,
		dataDir,
		psql,
		// SIGINT is Postgres's "fast" shutdown: ends sessions, checkpoints, exits.
		stop: () => handle.stop({ signal: 'SIGINT', graceMs: 20000 }),
	};
}

function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let answer = '';
		socket.setTimeout(2000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk;
			if (answer.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(answer.startsWith('+PONG')));
		socket.on('error', () => resolve(false));
	});
}

/** A Redis server on 127.0.0.1:`port`, no persistence (the queue is transient; n8n keeps executions in Postgres). */
async function startRedis({ dir, port, logFile }) {
	const { redisServer } = ensureQueueDeps();
	fs.mkdirSync(dir, { recursive: true });
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
	const handle = spawnGroup('redis', redisServer, args, { cwd: dir, logFile });
	await waitFor(`Redis on port ${port}`, () => redisPing(port), { handle, timeoutMs: 30000 });
	log(`Redis ready on 127.0.0.1:${port}`);
	const besideServer = path.join(path.dirname(redisServer), 'redis-cli');
	const cliBinary = fs.existsSync(besideServer) ? besideServer : 'redis-cli';
	/** Runs `redis-cli -p PORT <args>` and returns its raw output (trimmed); throws when it fails. */
	const cli = (...args) => {
		const result = spawnSync(cliBinary, ['-h', '127.0.0.1', '-p', String(port), ...args.map(String)], { encoding: 'utf8' });
		if (result.status !== 0 || result.error) throw new Error(`redis-cli ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
		return result.stdout.trim();
	};
	return { ...handle, port, cli };
}

// ------------------------------------------------------------ n8n processes

/** The environment every process of a queue-mode instance shares (besides harness.buildN8nEnv's). */
function queueEnv({ postgresPort, redisPort, webhookUrl, extra = {} }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgresPort),
		DB_POSTGRESDB_DATABASE: DB_NAME,
		DB_POSTGRESDB_USER: DB_USER,
		DB_POSTGRESDB_PASSWORD: '',
		// Editor ("manual") runs go to the workers too, as n8n recommends for queue mode.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		...(webhookUrl ? { WEBHOOK_URL: webhookUrl } : {}),
		...extra,
	};
}

/**
 * Starts Postgres, Redis and n8n (main, `workers` workers, `webhooks` webhook processors).
 *
 *  root         folder for everything: user/ (N8N_USER_FOLDER), postgres/, redis/, logs/
 *  beforeN8n    async (n8nInstance) => {} runs after the user folder is prepared and before
 *               any n8n server starts: import credentials and workflows, publish triggers
 *               (CLI runs go to the same Postgres)
 *  env          extra environment for every n8n process (e.g. N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE)
 *  workerEnv    extra environment for the workers only
 *  webhookEnv   extra environment for the webhook processors only
 *  mainPort, webhookPort   preferred ports (the next free one is used)
 *  binaryDataMode          'database' (n8n's queue-mode default) unless set
 *
 * Resolves { main, workers[], webhooks[], postgres, redis, n8n, userFolder, root, env, stop(),
 * restartMain(), startWorker() }; redis.cli(...args) runs redis-cli against the private Redis.
 * On failure, stops whatever it started and rejects.
 */
async function startQueueStack({
	root,
	workers: workerCount = 2,
	webhooks: webhookCount = 1,
	packageDir,
	beforeN8n,
	env = {},
	workerEnv = {},
	webhookEnv = {},
	mainPort: preferredMainPort,
	webhookPort: preferredWebhookPort,
	postgresPort: preferredPostgresPort = 55432,
	redisPort: preferredRedisPort = 56379,
	postgresSettings = {},
	binaryDataMode = 'database',
	workerConcurrency,
} = {}) {
	if (!root) throw new Error('startQueueStack: root is required');
	if (harness.N8N_MAJOR !== undefined && harness.N8N_MAJOR < 2) throw new Error(`startQueueStack is written for n8n 2.x (this is ${harness.N8N_VERSION})`);
	harness.ensureN8nInstalled({ install: false });
	ensureQueueDeps();
	fs.mkdirSync(root, { recursive: true });
	const userFolder = path.join(root, 'user');
	const logsDir = path.join(root, 'logs');
	fs.mkdirSync(userFolder, { recursive: true });

	const started = [];
	const stack = { root, userFolder, logsDir, workers: [], webhooks: [] };
	const stopAll = async () => {
		// n8n first (workers drain, main pauses the queue), then Redis and Postgres.
		const n8nProcesses = [...stack.webhooks, ...stack.workers, stack.main].filter(Boolean);
		await Promise.all(n8nProcesses.map((handle) => handle.stop()));
		await stack.redis?.stop();
		await stack.postgres?.stop();
		for (const handle of started) if (handle.isRunning()) handle.kill('SIGKILL');
	};
	stack.stop = stopAll;

	try {
		const postgresPort = await harness.findFreePortFrom(preferredPostgresPort);
		const redisPort = await harness.findFreePortFrom(preferredRedisPort);
		[stack.postgres, stack.redis] = await Promise.all([
			startPostgres({ dataDir: path.join(root, 'postgres'), port: postgresPort, logFile: path.join(logsDir, 'postgres.log'), settings: postgresSettings }),
			startRedis({ dir: path.join(root, 'redis'), port: redisPort, logFile: path.join(logsDir, 'redis.log') }),
		]);
		started.push(stack.postgres, stack.redis);

		const mainPort = await harness.findFreePortFrom(preferredMainPort ?? 5678);
		const webhookPorts = [];
		let nextPort = preferredWebhookPort ?? mainPort + 1;
		for (let index = 0; index < webhookCount; index++) {
			let port = await harness.findFreePortFrom(nextPort);
			if (port === mainPort) port = await harness.findFreePortFrom(mainPort + 1);
			webhookPorts.push(port);
			nextPort = port + 1;
		}
		// Production webhook URLs (shown in the editor, $execution.resumeUrl) point at the
		// first webhook processor, as they would at the load balancer in front of them.
		const webhookUrl = `http://localhost:${webhookPorts[0] ?? mainPort}/`;
		const sharedEnv = queueEnv({ postgresPort, redisPort, webhookUrl, extra: env });
		stack.env = sharedEnv;

		const n8n = harness.prepareUserFolder({ dir: userFolder, packageDir, binaryDataMode, env: sharedEnv });
		stack.n8n = n8n;
		if (beforeN8n) await beforeN8n(n8n);

		const n8nEnv = async ({ port, extra = {} } = {}) => {
			const base = harness.buildN8nEnv({
				userFolder,
				binaryDataMode,
				port,
				// Not the process's own port (a port just found free may be handed out again).
				runnersBrokerPort: await harness.findFreePortOtherThan(port ?? Number(extra.QUEUE_HEALTH_CHECK_PORT)),
				extraEnv: { ...sharedEnv, ...extra },
			});
			return base;
		};
		const spawnN8n = async (name, args, { port, extra } = {}) =>
			spawnGroup(name, harness.NODE_BINARY ?? harness.NODE24, [N8N_ENTRY, ...args], {
				cwd: userFolder,
				env: await n8nEnv({ port, extra }),
				logFile: path.join(logsDir, `${name}.log`),
			});

		// Main first: it runs the migrations and owns the queue recovery.
		const startMain = async () => {
			log(`starting n8n main on port ${mainPort}`);
			const mainStartedAt = Date.now();
			const main = await spawnN8n('main', ['start'], { port: mainPort });
			started.push(main);
			stack.main = Object.assign(main, { port: mainPort, url: `http://localhost:${mainPort}` });
			await waitFor(
				`n8n main on port ${mainPort}`,
				() => harness.isN8nStarted(main.url, main.output),
				{ handle: main },
			);
			log(`n8n main ready after ${((Date.now() - mainStartedAt) / 1000).toFixed(1)} s`);
			return main;
		};
		await startMain();
		/** Stops main (SIGTERM) and starts it again on the same port; its start runs the queue recovery. */
		stack.restartMain = async () => {
			await stack.main.stop();
			return startMain();
		};

		/** Spawns worker-<n> (n = its place in stack.workers); resolves { worker, ready } (ready: a promise). */
		const spawnWorker = async () => {
			const index = stack.workers.length;
			const healthPort = await harness.findFreePort();
			const name = `worker-${index + 1}`;
			const args = ['worker', ...(workerConcurrency ? [`--concurrency=${workerConcurrency}`] : [])];
			const worker = await spawnN8n(name, args, {
				extra: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), ...workerEnv },
			});
			started.push(worker);
			Object.assign(worker, { healthPort, index });
			stack.workers.push(worker);
			const ready = waitFor(`${name}`, async () => (await httpOk(`http://127.0.0.1:${healthPort}/healthz/readiness`)) && worker.output().includes('n8n worker is now ready'), {
				handle: worker,
			});
			return { worker, ready };
		};
		/**
		 * Starts one more worker (e.g. to replace a killed one: it gets the next name, worker-3, ...)
		 * with the same settings; resolves its handle once it is ready.
		 */
		stack.startWorker = async () => {
			const { worker, ready } = await spawnWorker();
			await ready;
			log(`${worker.name} ready`);
			return worker;
		};

		const boots = [];
		for (let index = 0; index < workerCount; index++) {
			const { ready } = await spawnWorker();
			boots.push(ready);
		}
		for (const [index, port] of webhookPorts.entries()) {
			const name = `webhook-${index + 1}`;
			const webhook = await spawnN8n(name, ['webhook'], { port, extra: webhookEnv });
			started.push(webhook);
			Object.assign(webhook, { port, url: `http://localhost:${port}` });
			stack.webhooks.push(webhook);
			boots.push(waitFor(`${name} on port ${port}`, () => httpOk(`${webhook.url}/healthz/readiness`), { handle: webhook }));
		}
		await Promise.all(boots);
		log(`queue mode ready: main ${stack.main.url}, ${workerCount} worker(s), webhook processor(s) ${stack.webhooks.map((w) => w.url).join(', ') || '-'}`);
		return stack;
	} catch (error) {
		await stopAll().catch(() => {});
		throw error;
	}
}

/** Execution IDs a worker's log says it started ("Worker started execution 12 (job 12)"). */
function executionsStartedBy(worker) {
	const text = fs.existsSync(worker.logFile) ? fs.readFileSync(worker.logFile, 'utf8') : worker.output();
	return [...text.matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]);
}

/** Execution IDs a worker's log says it finished ("Worker finished execution 12 (job 12)"), e.g. on reaching a wait. */
function executionsFinishedBy(worker) {
	const text = fs.existsSync(worker.logFile) ? fs.readFileSync(worker.logFile, 'utf8') : worker.output();
	return [...text.matchAll(/Worker finished execution (\d+)/g)].map((match) => match[1]);
}

/** Resident set size of a process and its descendants, in bytes (Linux /proc). */
function rssOfTree(pid) {
	const children = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (!children.has(ppid)) children.set(ppid, []);
			children.get(ppid).push(Number(entry));
		} catch {
			// gone
		}
	}
	const rssOf = (id) => {
		try {
			const match = fs.readFileSync(`/proc/${id}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
			return match ? Number(match[1]) * 1024 : 0;
		} catch {
			return 0;
		}
	};
	const self = rssOf(pid);
	let total = self;
	const stack = [...(children.get(pid) ?? [])];
	while (stack.length > 0) {
		const id = stack.pop();
		total += rssOf(id);
		stack.push(...(children.get(id) ?? []));
	}
	return { self, total };
}

module.exports = {
	DB_NAME,
	DB_USER,
	ensureQueueDeps,
	startPostgres,
	startRedis,
	queueEnv,
	startQueueStack,
	executionsStartedBy,
	executionsFinishedBy,
	rssOfTree,
	useOwnSignalHandlers,
	spawnGroup,
};
