'use strict';
/**
 * `n8n execute --id <id> --rawOutput` with its output written to files instead of pipes.
 *
 * Why not the harness's executeWorkflow: it reads n8n's output through a pipe, and
 * `n8n execute` exits (process.exit) while a large output is still being written to it. With
 * 1,000 items (about 1 MB of JSON) the JSON regularly arrived cut off (220 KB of 1 MB) and
 * could not be parsed. Writes to a file are synchronous, so nothing is lost. Everything else
 * comes from the harness: the Node 24 binary, the n8n entry point and the environment
 * (`N8nInstance.env()`: user folder, binary data mode, a free task broker port).
 *
 * Each n8n runs as the leader of its own process group, which is killed when it ends (task
 * runners included), on timeout, and when this process exits.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../../scripts/n8n/harness');

const liveGroups = new Set();
let exitHookInstalled = false;

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// The harness's SIGINT/SIGTERM handlers end the process with process.exit: this runs then too.
	process.on('exit', () => {
		for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
	});
}

/**
 * Runs the workflow; `onSpawn(pid)` is called as soon as n8n runs (to sample it).
 * Resolves { run, exitCode, outputFile, pid }. Rejects when no execution JSON was printed.
 */
async function executeWorkflow(n8n, workflowId, { timeoutMs = 5 * 60 * 1000, outputFile, onSpawn } = {}) {
	const installed = harness.ensureN8nInstalled({ install: false });
	installExitHook();
	const env = await n8n.env();
	const stdoutFile = outputFile ?? path.join(n8n.userFolder, `execute-${workflowId}-${Date.now()}.out`);
	const stderrFile = `${stdoutFile}.err`;
	const stdout = fs.openSync(stdoutFile, 'w');
	const stderr = fs.openSync(stderrFile, 'w');
	let child;
	try {
		child = spawn(installed.nodeBinary, [installed.n8nEntry, 'execute', `--id=${workflowId}`, '--rawOutput'], {
			cwd: n8n.userFolder,
			env,
			detached: true,
			stdio: ['ignore', stdout, stderr],
		});
	} finally {
		fs.closeSync(stdout);
		fs.closeSync(stderr);
	}
	liveGroups.add(child.pid);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
	const spawnError = new Promise((_, reject) => child.once('error', reject));
	onSpawn?.(child.pid);
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup(child.pid, 'SIGKILL');
	}, timeoutMs);
	let exitCode;
	try {
		exitCode = await Promise.race([exited, spawnError]);
	} finally {
		clearTimeout(timer);
		killGroup(child.pid, 'SIGKILL'); // task runners left in the group
		liveGroups.delete(child.pid);
	}
	const output = fs.readFileSync(stdoutFile, 'utf8');
	const run = harness.parseJsonFromOutput(output) ?? harness.parseJsonFromOutput(`${output}\n${fs.readFileSync(stderrFile, 'utf8')}`);
	if (!run || typeof run !== 'object' || !run.data) {
		const tail = `${output}\n${fs.readFileSync(stderrFile, 'utf8')}`.trim().split('\n').slice(-15).join('\n');
		throw new Error(`n8n execute ${timedOut ? `was killed after ${timeoutMs} ms` : `exited (${exitCode})`} without execution JSON; output in ${stdoutFile}\n${tail}`);
	}
	return { run, exitCode, outputFile: stdoutFile, pid: child.pid };
}

module.exports = { executeWorkflow };
