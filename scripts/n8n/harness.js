'use strict';
/**
 * Runs the built n8n-nodes-seedance package inside a real n8n (installed by
 * scripts/n8n/install.sh), the way a user gets it from Community Nodes.
 *
 * The test process (Node 20) spawns n8n under the Node its version needs (cached
 * with it: Node 24 for n8n 2.x, Node 22 for n8n 1.x). Which n8n: N8N_E2E_VERSION (or
 * N8N_VERSION), default DEFAULT_N8N_VERSION; the CLI commands that differ between
 * 1.x and 2.x (publish) follow the version's major. Every
 * spawned n8n gets its own process group, which is killed when it is stopped,
 * when the CLI command ends, and on exit / Ctrl-C, so no n8n or task runner
 * outlives the tests.
 *
 * Typical use:
 *   const h = require('./scripts/n8n/harness');
 *   h.ensureN8nInstalled();
 *   const n8n = h.prepareUserFolder({ dir: h.createTempDir() });
 *   await n8n.importCredential({ apiKey, baseUrl });
 *   const workflowId = await n8n.importWorkflow(workflowObject);
 *   const run = await n8n.executeWorkflow(workflowId);
 *   h.nodeOutputItems(run, 'Seedance');
 *   const server = await n8n.startN8n(); ...; await server.stop();
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-seedance';
const NODE_TYPE = `${PACKAGE_NAME}.seedance`;
const CREDENTIAL_TYPE = 'seedanceApi';
/** The n8n CI's e2e tests, `npm start` and `npm run demo` use unless N8N_E2E_VERSION (or N8N_VERSION) says otherwise. */
const DEFAULT_N8N_VERSION = '2.41.1';
/** The n8n versions the e2e tests have passed on (README "Install it in n8n"). */
const TESTED_N8N_VERSIONS = Object.freeze(['2.41.1', '2.40.7', '1.123.81']);
const N8N_VERSION = process.env.N8N_E2E_VERSION || process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
/** 1 or 2: picks the CLI commands of that n8n (1.x has no `publish:workflow`). */
const N8N_MAJOR = Number.parseInt(N8N_VERSION, 10);
const CACHE_ROOT = process.env.N8N_HOME_CACHE || path.join(os.homedir(), '.cache', PACKAGE_NAME);
const INSTALL_DIR = path.join(CACHE_ROOT, `n8n-${N8N_VERSION}`);
const INSTALL_MARKER = path.join(INSTALL_DIR, '.install-complete');
const INSTALL_SCRIPT = path.join(__dirname, 'install.sh');
const NODE24_BIN_DIR = path.join(INSTALL_DIR, 'node_modules', 'node', 'bin');
/** The Node binary installed with this n8n (Node 24 for 2.x, 22 for 1.x; the name is historical). */
const NODE24 = path.join(NODE24_BIN_DIR, 'node');
const NODE_BINARY = NODE24;
const N8N_ENTRY = path.join(INSTALL_DIR, 'node_modules', 'n8n', 'bin', 'n8n');

const DEFAULT_CLI_TIMEOUT_MS = 5 * 60 * 1000;
const DEFAULT_BOOT_TIMEOUT_MS = 3 * 60 * 1000;
const STOP_GRACE_MS = 10 * 1000;
const SIGNAL_GRACE_MS = 3 * 1000;
const LOG_TAIL_LINES = 60;

// ---------------------------------------------------------------- logging

function log(message) {
	if (process.env.N8N_HARNESS_QUIET === '1') return;
	process.stderr.write(`[n8n-harness] ${message}\n`);
}

/** "sk-abc…(32 chars)": enough to tell keys apart, never the key itself. */
function maskSecret(secret) {
	if (typeof secret !== 'string' || secret.length === 0) return '(empty)';
	if (secret.length <= 8) return `***(${secret.length} chars)`;
	return `${secret.slice(0, 3)}…(${secret.length} chars)`;
}

function lastLines(text, count = LOG_TAIL_LINES) {
	return text.split('\n').slice(-count).join('\n');
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true if `promise` settles within `ms`, false otherwise; leaves no timer behind. */
async function settlesWithin(promise, ms) {
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(() => resolve(false), ms);
	});
	try {
		return await Promise.race([promise.then(() => true), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

// ------------------------------------------------------- child processes

/** Process groups we started and have not seen end yet (pid = pgid). */
const liveProcessGroups = new Set();
let exitHandlersInstalled = false;
let signalHandlersEnabled = true;

function killProcessGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch (error) {
		if (error.code !== 'ESRCH') throw error;
		return false;
	}
}

function killAllProcessGroups(signal) {
	for (const pid of liveProcessGroups) killProcessGroup(pid, signal);
}

function installExitHandlers() {
	if (exitHandlersInstalled) return;
	exitHandlersInstalled = true;
	process.on('exit', () => killAllProcessGroups('SIGKILL'));
	for (const [signal, exitCode] of [
		['SIGINT', 130],
		['SIGTERM', 143],
	]) {
		process.once(signal, () => {
			if (!signalHandlersEnabled) return; // the script handles its own shutdown (see useOwnSignalHandlers)
			log(`${signal}: stopping ${liveProcessGroups.size} child process group(s)`);
			killAllProcessGroups('SIGTERM');
			const deadline = Date.now() + SIGNAL_GRACE_MS;
			const poll = setInterval(() => {
				if (liveProcessGroups.size > 0 && Date.now() < deadline) return;
				clearInterval(poll);
				killAllProcessGroups('SIGKILL');
				process.exit(exitCode);
			}, 100);
		});
	}
}

/**
 * For scripts with their own Ctrl-C handling (scripts/start.js): the harness
 * then leaves SIGINT/SIGTERM alone; call stopAllChildren() on shutdown. The
 * exit hook still SIGKILLs any group left over, so nothing outlives the script.
 */
function useOwnSignalHandlers() {
	installExitHandlers();
	signalHandlersEnabled = false;
}

/** SIGTERM to every child process group still alive, then SIGKILL after `graceMs`. */
async function stopAllChildren({ graceMs = SIGNAL_GRACE_MS } = {}) {
	killAllProcessGroups('SIGTERM');
	const deadline = Date.now() + graceMs;
	while (liveProcessGroups.size > 0 && Date.now() < deadline) await sleep(100);
	killAllProcessGroups('SIGKILL');
}

/** Spawns a command as the leader of a new process group and tracks it. */
function spawnTracked(command, args, options) {
	installExitHandlers();
	const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	liveProcessGroups.add(child.pid);
	child.once('exit', () => {
		// Grandchildren (task runners) may still be alive in the group.
		killProcessGroup(child.pid, 'SIGKILL');
		liveProcessGroups.delete(child.pid);
	});
	return child;
}

function waitForExit(child) {
	if (child.exitCode !== null || child.signalCode !== null) {
		return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
	}
	return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function findFreePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * A free port that is not `taken`: a port found free and released (the server's) may be handed
 * out again at once, and n8n fails to boot when its task broker gets its own port.
 */
async function findFreePortOtherThan(taken) {
	for (;;) {
		const port = await findFreePort();
		if (port !== taken) return port;
	}
}

/** Whether a TCP port is free on the loopback address n8n and the simulator listen on. */
function isPortFree(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

/** `preferred` if it is free, else the next free port above it (then any free port). */
async function findFreePortFrom(preferred, { attempts = 50 } = {}) {
	for (let port = preferred; port < preferred + attempts && port < 65536; port++) {
		if (await isPortFree(port)) return port;
	}
	return findFreePort();
}

// ------------------------------------------------------------ install

function isN8nInstalled() {
	return fs.existsSync(INSTALL_MARKER) && fs.existsSync(NODE24) && fs.existsSync(N8N_ENTRY);
}

/**
 * Returns where n8n lives; runs scripts/n8n/install.sh first (minutes) unless
 * the cache is complete. Pass { install: false } to fail fast instead.
 */
function ensureN8nInstalled({ install = true } = {}) {
	if (!isN8nInstalled()) {
		if (!install) {
			throw new Error(`n8n ${N8N_VERSION} is not installed in ${INSTALL_DIR}: run N8N_VERSION=${N8N_VERSION} bash scripts/n8n/install.sh`);
		}
		log(`n8n ${N8N_VERSION} not cached yet: running ${path.relative(REPO_ROOT, INSTALL_SCRIPT)}`);
		const result = spawnSync('bash', [INSTALL_SCRIPT], { stdio: 'inherit', env: { ...process.env, N8N_VERSION } });
		if (result.status !== 0 || !isN8nInstalled()) {
			throw new Error(`N8N_VERSION=${N8N_VERSION} bash scripts/n8n/install.sh failed (exit ${result.status})`);
		}
	}
	return {
		version: N8N_VERSION,
		major: N8N_MAJOR,
		installDir: INSTALL_DIR,
		nodeBinary: NODE24,
		n8nEntry: N8N_ENTRY,
		marker: fs.readFileSync(INSTALL_MARKER, 'utf8').trim(),
	};
}

/**
 * The major version of the Node installed with this n8n, from the install marker
 * ("n8n 1.123.81, node v22.23.3, installed ..."); undefined before the install.
 */
function installedNodeMajor() {
	try {
		const match = /node v(\d+)\./.exec(fs.readFileSync(INSTALL_MARKER, 'utf8'));
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * What this n8n version needs in its environment beyond the common settings:
 * n8n 1.x under Node 20 needs the legacy expression engine (its default one
 * needs isolated-vm, which has no Node 20 build).
 */
function versionSpecificEnv() {
	const nodeMajor = installedNodeMajor();
	return N8N_MAJOR < 2 && nodeMajor !== undefined && nodeMajor < 22 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
}

// -------------------------------------------------------- user folder

function createTempDir(prefix = 'n8n-seedance-e2e-') {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The JSON in `file`, or undefined when it is missing or unreadable (saved state of scripts). */
function readJsonIfPresent(file) {
	try {
		return readJson(file);
	} catch {
		return undefined;
	}
}

function writeJson(file, value, mode) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, mode ? { mode } : undefined);
}

/** Checks that `npm run build` has produced every file the manifest lists. */
function assertPackageIsBuilt(packageDir) {
	const manifestPath = path.join(packageDir, 'package.json');
	const manifest = readJson(manifestPath);
	const listed = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	if (listed.length === 0) throw new Error(`${manifestPath} lists no n8n nodes or credentials`);
	const missing = listed.filter((file) => !fs.existsSync(path.join(packageDir, file)));
	if (missing.length > 0) {
		throw new Error(`The package is not built (missing ${missing.join(', ')}): run npm run build in ${packageDir}`);
	}
	return manifest;
}

/**
 * Lays out an n8n user folder with the built package installed where the
 * Community Nodes installer puts it: <dir>/.n8n/nodes/node_modules/<name>,
 * with <dir>/.n8n/nodes/package.json listing it. Returns an `N8nInstance`
 * bound to that folder.
 */
function prepareUserFolder({ dir, packageDir = REPO_ROOT, env = {}, binaryDataMode = 'filesystem' } = {}) {
	if (!dir) throw new Error('prepareUserFolder: dir is required');
	const manifest = assertPackageIsBuilt(packageDir);
	const nodesDir = path.join(dir, '.n8n', 'nodes');
	const installedPackageDir = path.join(nodesDir, 'node_modules', manifest.name);

	fs.rmSync(installedPackageDir, { recursive: true, force: true });
	fs.mkdirSync(installedPackageDir, { recursive: true });
	fs.copyFileSync(path.join(packageDir, 'package.json'), path.join(installedPackageDir, 'package.json'));
	fs.cpSync(path.join(packageDir, 'dist'), path.join(installedPackageDir, 'dist'), { recursive: true });
	for (const extra of ['index.js', 'README.md', 'LICENSE', 'LICENSE.md']) {
		const source = path.join(packageDir, extra);
		if (fs.existsSync(source)) fs.copyFileSync(source, path.join(installedPackageDir, extra));
	}
	writeJson(path.join(nodesDir, 'package.json'), {
		name: 'installed-nodes',
		private: true,
		dependencies: { [manifest.name]: manifest.version },
	});
	log(`installed ${manifest.name}@${manifest.version} into ${installedPackageDir}`);
	return new N8nInstance({ userFolder: dir, env, binaryDataMode });
}

// --------------------------------------------------------- environment

const INHERITED_ENV_BLOCKLIST = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|NODE_OPTIONS$|NODE_ENV$|NODE_PATH$|npm_|JEST_WORKER_ID$)/;

/** The environment every n8n we spawn gets: quiet, local, no prompts. */
function buildN8nEnv({ userFolder, binaryDataMode = 'filesystem', port, runnersBrokerPort, extraEnv = {} }) {
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !INHERITED_ENV_BLOCKLIST.test(name)),
	);
	return {
		...inherited,
		PATH: `${NODE24_BIN_DIR}${path.delimiter}${process.env.PATH ?? ''}`,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_LOG_LEVEL: 'info', // `execute` prints its JSON through the logger
		N8N_LOG_OUTPUT: 'console',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_DEFAULT_BINARY_DATA_MODE: binaryDataMode,
		N8N_RUNNERS_MODE: 'internal', // n8n 2.x always runs task runners; keep them as child processes
		...versionSpecificEnv(),
		...(runnersBrokerPort ? { N8N_RUNNERS_BROKER_PORT: String(runnersBrokerPort) } : {}),
		...(port
			? {
					N8N_PORT: String(port),
					N8N_LISTEN_ADDRESS: '127.0.0.1',
					N8N_HOST: 'localhost',
					N8N_PROTOCOL: 'http',
					WEBHOOK_URL: `http://localhost:${port}/`,
				}
			: {}),
		...extraEnv,
	};
}

// ------------------------------------------------------------ CLI runs

class N8nCliError extends Error {
	constructor(message, { args, exitCode, output }) {
		super(`${message}\n--- n8n ${args.join(' ')} (exit ${exitCode}), last output ---\n${lastLines(output)}`);
		this.name = 'N8nCliError';
		this.args = args;
		this.exitCode = exitCode;
		this.output = output;
	}
}

class ExecutionFailedError extends Error {
	constructor(run) {
		const error = run?.data?.resultData?.error ?? {};
		const where = error.node?.name ? ` in node "${error.node.name}"` : '';
		super(`Workflow execution failed${where}: ${error.message ?? 'unknown error'}${error.description ? ` (${error.description})` : ''}`);
		this.name = 'ExecutionFailedError';
		this.run = run;
	}
}

/**
 * Finds the pretty-printed JSON object n8n logged among other log lines: the
 * last block that opens on a line ending in "{" and closes on a line "}".
 */
function parseJsonFromOutput(text) {
	const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/);
	let lastValue;
	let line = 0;
	while (line < lines.length) {
		const block = parseJsonBlockAt(lines, line);
		if (block) {
			lastValue = block.value;
			line = block.endLine + 1;
		} else {
			line++;
		}
	}
	return lastValue;
}

function parseJsonBlockAt(lines, startLine) {
	const opening = lines[startLine].trimEnd();
	if (!opening.endsWith('{')) return undefined;
	const firstLine = opening.slice(opening.lastIndexOf('{'));
	for (let endLine = startLine + 1; endLine < lines.length; endLine++) {
		if (lines[endLine].trimEnd() !== '}') continue;
		try {
			const value = JSON.parse([firstLine, ...lines.slice(startLine + 1, endLine + 1)].join('\n'));
			return { value, endLine };
		} catch {
			// a later "}" line may close this block
		}
	}
	return undefined;
}

/** The items a node put out: run.data.resultData.runData[node][run].data.main[output]. */
function nodeOutputItems(run, nodeName, { outputIndex = 0, runIndex } = {}) {
	const nodeRuns = run?.data?.resultData?.runData?.[nodeName];
	if (!nodeRuns || nodeRuns.length === 0) {
		const ran = Object.keys(run?.data?.resultData?.runData ?? {});
		throw new Error(`Node "${nodeName}" did not run (nodes that ran: ${ran.join(', ') || 'none'})`);
	}
	const nodeRun = nodeRuns[runIndex ?? nodeRuns.length - 1];
	return nodeRun.data?.main?.[outputIndex] ?? [];
}

function randomId(length = 16) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	const bytes = crypto.randomBytes(length);
	return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

/** An n8n user folder with the package installed, and what you can do with it. */
class N8nInstance {
	constructor({ userFolder, env = {}, binaryDataMode = 'filesystem' }) {
		this.userFolder = userFolder;
		this.extraEnv = env;
		this.binaryDataMode = binaryDataMode;
		this.servers = new Set();
	}

	/**
	 * The environment of one n8n process of this folder. A CLI run (no `port`)
	 * while a server of this folder is up gets that server's WEBHOOK_URL, so
	 * `$execution.resumeUrl` and form URLs point at the server that can resume
	 * the execution (the CLI and the server share the folder's database).
	 */
	async env({ port } = {}) {
		const runningServer = port ? undefined : [...this.servers].at(-1);
		return buildN8nEnv({
			userFolder: this.userFolder,
			binaryDataMode: this.binaryDataMode,
			port,
			runnersBrokerPort: await findFreePortOtherThan(port),
			extraEnv: runningServer ? { WEBHOOK_URL: `${runningServer.url}/`, ...this.extraEnv } : this.extraEnv,
		});
	}

	/** Runs `n8n <args>` to completion; resolves { exitCode, output } (stdout+stderr interleaved). */
	async runCli(args, { timeoutMs = DEFAULT_CLI_TIMEOUT_MS } = {}) {
		ensureN8nInstalled({ install: false });
		const child = spawnTracked(NODE24, [N8N_ENTRY, ...args], { cwd: this.userFolder, env: await this.env() });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		const timer = setTimeout(() => {
			log(`n8n ${args[0]} exceeded ${timeoutMs} ms: killing it`);
			killProcessGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		const { code, signal } = await waitForExit(child);
		clearTimeout(timer);
		return { exitCode: code ?? signal, output };
	}

	async runCliOrThrow(args, options) {
		const result = await this.runCli(args, options);
		if (result.exitCode !== 0) throw new N8nCliError(`n8n ${args[0]} failed`, { args, ...result });
		return result;
	}

	/**
	 * Imports a `seedanceApi` credential (n8n encrypts the plain data on import).
	 * Resolves { id, name, type } for a workflow node's `credentials` field.
	 */
	async importCredential(credential) {
		const [imported] = await this.importCredentials([credential]);
		return imported;
	}

	/** Imports several credentials with one n8n run (each n8n CLI start costs seconds). */
	async importCredentials(credentials) {
		const records = credentials.map(({ apiKey, baseUrl, id = randomId(), name = 'Seedance account', type = CREDENTIAL_TYPE, data }) => ({
			id,
			name,
			type,
			data: data ?? { apiKey, baseUrl },
		}));
		const file = path.join(this.userFolder, `credentials-${randomId(8)}.json`);
		writeJson(file, records, 0o600);
		try {
			for (const [index, { id, name, type }] of records.entries()) {
				const { apiKey, baseUrl } = credentials[index];
				log(`importing credential "${name}" (${type}, id ${id}, apiKey ${maskSecret(apiKey)}, baseUrl ${baseUrl ?? '-'})`);
			}
			await this.runCliOrThrow(['import:credentials', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true }); // it holds the keys in plain text
		}
		return records.map(({ id, name, type }) => ({ id, name, type }));
	}

	/** Imports a workflow from a file path or an object (an `id` is added if missing). Resolves its id. */
	async importWorkflow(fileOrWorkflow) {
		const [id] = await this.importWorkflows([fileOrWorkflow]);
		return id;
	}

	/** Imports several workflows (file paths or objects) with one n8n run. Resolves their ids. */
	async importWorkflows(filesOrWorkflows) {
		const workflows = filesOrWorkflows.map((entry) => {
			const workflow = typeof entry === 'string' ? readJson(entry) : structuredClone(entry);
			workflow.id ??= randomId();
			workflow.active = false;
			workflow.settings ??= {};
			workflow.connections ??= {};
			log(`importing workflow "${workflow.name ?? workflow.id}" (id ${workflow.id}, ${workflow.nodes?.length ?? 0} nodes)`);
			return workflow;
		});
		const file = path.join(this.userFolder, `workflows-${randomId(8)}.json`);
		writeJson(file, workflows);
		await this.runCliOrThrow(['import:workflow', `--input=${file}`]);
		return workflows.map((workflow) => workflow.id);
	}

	/**
	 * Publishes (activates) workflows so their triggers (forms, webhooks) listen
	 * when `n8n start` boots next: `n8n publish:workflow` on n8n 2.x,
	 * `n8n update:workflow --active=true` on 1.x (which has no publish). One CLI
	 * run per workflow; a running server does not see the change until restarted.
	 */
	async publishWorkflows(workflowIds) {
		for (const id of workflowIds) {
			log(`publishing workflow ${id}`);
			await this.runCliOrThrow(cliPublishArgs(id));
		}
	}

	async publishWorkflow(workflowId) {
		await this.publishWorkflows([workflowId]);
	}

	/**
	 * Where a binary stored in filesystem mode lives on disk
	 * (`filesystem-v2:<relative path>` under <folder>/.n8n/storage), or
	 * undefined for a binary held inline (base64 in `data`).
	 */
	binaryDataPath(binary) {
		const id = binary?.id;
		if (typeof id !== 'string' || !id.includes(':')) return undefined;
		const relative = id.slice(id.indexOf(':') + 1);
		const n8nFolder = path.join(this.userFolder, '.n8n');
		for (const root of ['storage', 'binaryData']) {
			const candidate = path.join(n8nFolder, root, relative);
			if (fs.existsSync(candidate)) return candidate;
		}
		return findFileByName(n8nFolder, path.basename(relative));
	}

	/** The bytes of a binary from an output item (filesystem mode or inline base64). */
	readBinaryData(binary) {
		const file = this.binaryDataPath(binary);
		if (file) return fs.readFileSync(file);
		if (typeof binary?.data === 'string' && binary.data !== 'filesystem-v2' && binary.data !== 'filesystem') {
			return Buffer.from(binary.data, 'base64');
		}
		throw new Error(`Cannot find the bytes of binary ${binary?.id ?? binary?.fileName ?? '(none)'} in ${this.userFolder}`);
	}

	/**
	 * Runs `n8n execute --id <id> --rawOutput` and resolves the execution
	 * (IRun: { status, data: { resultData: { runData, error } } }). A failed
	 * execution rejects with ExecutionFailedError (`.run` holds it) unless
	 * { allowFailure: true }.
	 */
	async executeWorkflow(workflowId, { allowFailure = false, timeoutMs } = {}) {
		const args = ['execute', `--id=${workflowId}`, '--rawOutput'];
		const startedAt = Date.now();
		const { exitCode, output } = await this.runCli(args, { timeoutMs });
		const run = parseJsonFromOutput(output);
		log(`executed workflow ${workflowId} in ${Date.now() - startedAt} ms (exit ${exitCode}, status ${run?.status ?? 'n/a'})`);
		if (!run || typeof run !== 'object' || !run.data) {
			throw new N8nCliError('n8n execute printed no execution JSON', { args, exitCode, output });
		}
		Object.defineProperty(run, 'cliOutput', { value: output, enumerable: false });
		if (run.data.resultData?.error && !allowFailure) throw new ExecutionFailedError(run);
		return run;
	}

	/**
	 * Starts `n8n start` and resolves once the editor's REST API answers.
	 * Resolves { url, port, logFile, output(), stop() }.
	 */
	async startN8n({ port, bootTimeoutMs = DEFAULT_BOOT_TIMEOUT_MS } = {}) {
		ensureN8nInstalled({ install: false });
		port ??= await findFreePort();
		const url = `http://localhost:${port}`;
		const logFile = path.join(this.userFolder, `n8n-server-${port}.log`);
		const logStream = fs.createWriteStream(logFile);
		const child = spawnTracked(NODE24, [N8N_ENTRY, 'start'], { cwd: this.userFolder, env: await this.env({ port }) });
		let recentOutput = '';
		const keep = (chunk) => {
			logStream.write(chunk);
			recentOutput = lastLines(recentOutput + chunk, 400);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const startedAt = Date.now();
		log(`starting n8n on ${url} (log: ${logFile})`);

		let stopped = false;
		const server = {
			url,
			port,
			logFile,
			pid: child.pid,
			output: () => recentOutput,
			stop: async () => {
				if (stopped) return;
				stopped = true;
				this.servers.delete(server);
				if (child.exitCode === null && child.signalCode === null) {
					killProcessGroup(child.pid, 'SIGTERM');
					if (!(await settlesWithin(waitForExit(child), STOP_GRACE_MS))) {
						log(`n8n on ${url} ignored SIGTERM for ${STOP_GRACE_MS} ms: SIGKILL`);
						killProcessGroup(child.pid, 'SIGKILL');
						await waitForExit(child);
					}
				}
				killProcessGroup(child.pid, 'SIGKILL');
				await new Promise((resolve) => logStream.end(resolve));
				log(`n8n on ${url} stopped`);
			},
		};
		this.servers.add(server);

		try {
			await waitUntilServing({ url, child, timeoutMs: bootTimeoutMs, output: () => recentOutput });
		} catch (error) {
			await server.stop();
			throw error;
		}
		log(`n8n ready on ${url} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
		return server;
	}

	async stopAllServers() {
		await Promise.all([...this.servers].map((server) => server.stop()));
	}
}

/** The CLI command that publishes (activates) a workflow in this n8n's major version. */
function cliPublishArgs(workflowId, major = N8N_MAJOR) {
	return major < 2 ? ['update:workflow', `--id=${workflowId}`, '--active=true'] : ['publish:workflow', `--id=${workflowId}`];
}

function findFileByName(directory, fileName) {
	if (!fs.existsSync(directory)) return undefined;
	for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
		const entryPath = path.join(directory, entry.name);
		if (entry.isFile() && entry.name === fileName) return entryPath;
		if (entry.isDirectory()) {
			const found = findFileByName(entryPath, fileName);
			if (found) return found;
		}
	}
	return undefined;
}

async function httpStatus(url) {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
		await response.arrayBuffer();
		return response.status;
	} catch {
		return 0;
	}
}

/**
 * What `n8n start` prints once it has run the active workflows' triggers and registered their
 * webhooks: the REST API answers before that, so a webhook called then gets a 404.
 */
const STARTED_MARKER = 'Editor is now accessible via';

/**
 * Whether `n8n start` (its log so far: `output()`) is ready: /healthz/readiness says the DB is
 * migrated, /rest/settings that the REST routes are mounted, the STARTED_MARKER line that the
 * published workflows' webhooks are registered.
 */
async function isN8nStarted(url, output) {
	return (
		(await httpStatus(`${url}/healthz/readiness`)) === 200 &&
		(await httpStatus(`${url}/rest/settings`)) === 200 &&
		output().includes(STARTED_MARKER)
	);
}

async function waitUntilServing({ url, child, timeoutMs, output }) {
	const deadline = Date.now() + timeoutMs;
	let lastReport = Date.now();
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`n8n exited during boot (${child.exitCode ?? child.signalCode})\n${lastLines(output())}`);
		}
		if (await isN8nStarted(url, output)) return;
		if (Date.now() - lastReport > 15000) {
			lastReport = Date.now();
			const lastLine = output().trim().split('\n').pop() ?? '';
			log(`still booting n8n on ${url}… (last log line: ${lastLine.slice(0, 160)})`);
		}
		await sleep(500);
	}
	throw new Error(`n8n on ${url} was not ready after ${timeoutMs} ms\n${lastLines(output())}`);
}

// ------------------------------------------------------ REST helpers

const DEFAULT_OWNER = Object.freeze({
	email: 'owner@seedance-e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'Seedance-E2e-Passw0rd',
});

/**
 * Creates the instance owner through the same endpoint the editor's setup
 * screen calls (POST /rest/owner/setup). Resolves the owner (with password).
 */
async function setupOwner(url, owner = DEFAULT_OWNER) {
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(owner),
	});
	const body = await response.text();
	if (!response.ok) throw new Error(`POST /rest/owner/setup answered ${response.status}: ${body.slice(0, 500)}`);
	log(`owner ${owner.email} set up`);
	return { ...owner };
}

/**
 * Signs in to the REST API the way the editor does (cookie + browser-id
 * header). Resolves { request(method, path, body) -> parsed JSON `data` }.
 */
async function loginRest(url, { email, password } = DEFAULT_OWNER) {
	const browserId = randomId(24);
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	if (!login.ok) throw new Error(`POST /rest/login answered ${login.status}: ${(await login.text()).slice(0, 300)}`);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	await login.arrayBuffer();
	const request = async (method, urlPath, body) => {
		const response = await fetch(`${url}${urlPath}`, {
			method,
			headers: { cookie, 'browser-id': browserId, ...(body ? { 'Content-Type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${urlPath} answered ${response.status}: ${text.slice(0, 300)}`);
		const parsed = JSON.parse(text);
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	};
	return { request, get: (urlPath) => request('GET', urlPath) };
}

/** Whether the instance still shows the owner setup screen (no owner yet). */
async function needsOwnerSetup(url) {
	const response = await fetch(`${url}/rest/settings`);
	if (!response.ok) throw new Error(`GET /rest/settings answered ${response.status}`);
	const { data } = await response.json();
	return Boolean(data?.userManagement?.showSetupOnFirstLoad);
}

/**
 * The REST API stores an execution's `data` in n8n's "flatted" form (a JSON
 * array with back references). Parses it with the flatted copy n8n ships.
 */
function parseExecutionData(data) {
	if (typeof data !== 'string') return data;
	const flatted = require(require.resolve('flatted', { paths: [path.join(INSTALL_DIR, 'node_modules', 'n8n')] }));
	return flatted.parse(data);
}

const FINISHED_EXECUTION_STATUSES = ['success', 'error', 'crashed', 'canceled'];

/**
 * Polls GET /rest/executions/:id until the execution has one of `statuses`
 * (default: any finished status). Resolves it with `data` parsed (an IRun-like
 * object: { id, status, mode, data: { resultData: { runData, error } } }).
 */
async function waitForExecution(rest, executionId, { statuses = FINISHED_EXECUTION_STATUSES, timeoutMs = 120000, intervalMs = 500 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		last = await rest.get(`/rest/executions/${executionId}`);
		if (statuses.includes(last.status)) return { ...last, data: parseExecutionData(last.data) };
		await sleep(intervalMs);
	}
	throw new Error(`Execution ${executionId} is still "${last?.status}" after ${timeoutMs} ms (waiting for ${statuses.join('/')})`);
}

/** The executions of one workflow, newest first: [{ id, status, mode, startedAt, ... }]. */
async function listExecutions(rest, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await rest.get(`/rest/executions?filter=${filter}&limit=50`);
	return page.results ?? page;
}

// ------------------------------------------------------- simulator

/**
 * Starts the Seedance API simulator (simulator/cli.js) and resolves
 * { baseUrl, info, stop() } from the JSON line it prints on start.
 */
async function startSimulator({ apiKey, port = 0, mediaPort = 0, args = [], timeoutMs = 30000 } = {}) {
	const cli = path.join(REPO_ROOT, 'simulator', 'cli.js');
	if (!fs.existsSync(cli)) throw new Error(`${cli} does not exist yet`);
	const cliArgs = [cli, '--port', String(port), '--media-port', String(mediaPort)]; // 0: any free port
	if (apiKey) cliArgs.push('--api-key', apiKey);
	cliArgs.push(...args);
	const child = spawnTracked(process.execPath, cliArgs, { cwd: REPO_ROOT, env: process.env });
	let output = '';
	child.stderr.on('data', (chunk) => (output = lastLines(output + chunk, 200)));
	const info = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`simulator printed no JSON line within ${timeoutMs} ms\n${output}`)), timeoutMs);
		const lines = readline.createInterface({ input: child.stdout });
		lines.on('line', (line) => {
			output = lastLines(`${output}${line}\n`, 200);
			if (!line.trim().startsWith('{')) return;
			try {
				const parsed = JSON.parse(line);
				if (!parsed.baseUrl) return;
				clearTimeout(timer);
				resolve(parsed);
			} catch {
				// not the start-up line
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`simulator exited (${code}) before it was ready\n${output}`));
		});
	});
	child.stdout.resume();
	log(`simulator ready at ${info.baseUrl} (apiKey ${maskSecret(apiKey)})`);
	const adminUrl = info.adminUrl ?? `${info.baseUrl}/__sim`;
	/** GET/POST /__sim/<what>: requests, media-requests, callbacks, stats, tasks, reset, faults. */
	const admin = async (what, { method = 'GET', body } = {}) => {
		const response = await fetch(`${adminUrl}/${what}`, {
			method,
			headers: body ? { 'Content-Type': 'application/json' } : undefined,
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${adminUrl}/${what} answered ${response.status}: ${text.slice(0, 300)}`);
		return JSON.parse(text);
	};
	return {
		baseUrl: info.baseUrl,
		mediaBaseUrl: info.mediaBaseUrl,
		adminUrl,
		info,
		pid: child.pid,
		admin,
		requests: () => admin('requests'),
		mediaRequests: () => admin('media-requests'),
		callbacks: () => admin('callbacks'),
		stats: () => admin('stats'),
		tasks: () => admin('tasks'),
		reset: () => admin('reset', { method: 'POST' }),
		output: () => output,
		stop: async () => {
			killProcessGroup(child.pid, 'SIGTERM');
			await settlesWithin(waitForExit(child), 5000);
			killProcessGroup(child.pid, 'SIGKILL');
		},
	};
}

module.exports = {
	REPO_ROOT,
	isN8nStarted,
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	N8N_VERSION,
	N8N_MAJOR,
	DEFAULT_N8N_VERSION,
	TESTED_N8N_VERSIONS,
	INSTALL_DIR,
	NODE24,
	NODE_BINARY,
	cliPublishArgs,
	DEFAULT_OWNER,
	ensureN8nInstalled,
	isN8nInstalled,
	installedNodeMajor,
	useOwnSignalHandlers,
	stopAllChildren,
	spawnTracked,
	killProcessGroup,
	readJsonIfPresent,
	writeJson,
	findFreePortFrom,
	needsOwnerSetup,
	parseExecutionData,
	waitForExecution,
	listExecutions,
	createTempDir,
	prepareUserFolder,
	buildN8nEnv,
	findFreePort,
	findFreePortOtherThan,
	parseJsonFromOutput,
	nodeOutputItems,
	maskSecret,
	randomId,
	setupOwner,
	loginRest,
	startSimulator,
	N8nInstance,
	N8nCliError,
	ExecutionFailedError,
};
