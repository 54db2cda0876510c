'use strict';
/**
 * Linux /proc helpers for the benchmarks:
 * - the resident memory of an n8n process tree (the `n8n execute` process and its task
 *   runners), sampled on a timer;
 * - CPU used on this machine by processes this benchmark did not start (another engineer's
 *   jest or e2e run shares the 2 cores and would distort the timings), and n8n processes
 *   started by someone else.
 */
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const N8N_CMDLINE = /n8n\/bin\/n8n/;

function getconf(name, fallback) {
	try {
		return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
	} catch {
		return fallback;
	}
}
const PAGE_SIZE = getconf('PAGESIZE', 4096);
const CLOCK_TICKS = getconf('CLK_TCK', 100);

function readText(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return undefined; // the process ended meanwhile
	}
}

function cmdline(pid) {
	const raw = readText(`/proc/${pid}/cmdline`);
	return raw === undefined ? undefined : raw.split('\0').filter(Boolean).join(' ');
}

/** Direct children of a process (all its threads' children lists). */
function childrenOf(pid) {
	const children = [];
	let threads;
	try {
		threads = fs.readdirSync(`/proc/${pid}/task`);
	} catch {
		return children;
	}
	for (const tid of threads) {
		const text = readText(`/proc/${pid}/task/${tid}/children`);
		if (!text) continue;
		for (const child of text.trim().split(/\s+/)) if (child) children.push(Number(child));
	}
	return children;
}

function descendantsOf(pid) {
	const found = [];
	const queue = [pid];
	while (queue.length > 0) {
		for (const child of childrenOf(queue.shift())) {
			found.push(child);
			queue.push(child);
		}
	}
	return found;
}

/** Resident set size in bytes (statm: resident pages), 0 when the process is gone. */
function rssBytes(pid) {
	const text = readText(`/proc/${pid}/statm`);
	if (!text) return 0;
	return Number(text.split(' ')[1]) * PAGE_SIZE;
}

/** CPU ticks of a process and of its reaped children (utime + stime + cutime + cstime). */
function cpuTicks(pid) {
	const text = readText(`/proc/${pid}/stat`);
	if (!text) return undefined;
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	// fields[0] is field 3 (state): utime = field 14, stime 15, cutime 16, cstime 17
	return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
}

/** Busy ticks of the whole machine (all CPUs), from /proc/stat. */
function machineBusyTicks() {
	const [, ...values] = readText('/proc/stat').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, , , irq, softirq, steal] = values.map(Number); // idle and iowait left out
	return user + nice + system + irq + softirq + (steal || 0);
}

/**
 * CPU seconds spent by processes this benchmark did not start, over a window: the machine's
 * busy time minus this process's (its reaped children's included: every `n8n execute` ends
 * reaped by it) and its live descendants' (the simulators).
 */
class ForeignCpuMeter {
	start() {
		this.startedAt = Date.now();
		this.machineStart = machineBusyTicks();
		this.ownStart = new Map([[process.pid, cpuTicks(process.pid) ?? 0]]);
		for (const pid of descendantsOf(process.pid)) this.ownStart.set(pid, cpuTicks(pid) ?? 0);
		return this;
	}

	/**
	 * Call after the measured processes have ended and been reaped. `orphanTicks`: CPU ticks
	 * of own processes that ended without being reaped by this process's tree (n8n's task
	 * runners outlive `n8n execute` and are killed with its process group afterwards).
	 */
	stop(orphanTicks = 0) {
		const machine = machineBusyTicks() - this.machineStart;
		let own = (cpuTicks(process.pid) ?? 0) - this.ownStart.get(process.pid) + orphanTicks;
		for (const pid of descendantsOf(process.pid)) {
			const now = cpuTicks(pid);
			if (now !== undefined) own += now - (this.ownStart.get(pid) ?? 0);
		}
		const seconds = (Date.now() - this.startedAt) / 1000;
		const foreignCpuS = Math.max(0, (machine - own) / CLOCK_TICKS);
		return { windowS: seconds, machineCpuS: machine / CLOCK_TICKS, ownCpuS: own / CLOCK_TICKS, foreignCpuS, foreignCores: seconds > 0 ? foreignCpuS / seconds : 0 };
	}
}

/** n8n processes on this machine that this benchmark did not start. */
function foreignN8nProcesses() {
	const own = new Set([process.pid, ...descendantsOf(process.pid)]);
	const foreign = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const pid = Number(entry);
		if (own.has(pid)) continue;
		const line = cmdline(pid);
		if (line && N8N_CMDLINE.test(line)) foreign.push({ pid, cmdline: line.slice(0, 160) });
	}
	return foreign;
}

/**
 * Samples the resident memory of one process tree every `intervalMs`: the sum over the
 * root (the `n8n execute` process) and all its descendants (task runners), and the root
 * alone. Also notes n8n processes someone else started meanwhile.
 */
class RssSampler {
	constructor(rootPid, { intervalMs = 100, foreignCheckEveryMs = 2000 } = {}) {
		this.rootPid = rootPid;
		this.intervalMs = intervalMs;
		this.foreignCheckEveryMs = foreignCheckEveryMs;
		this.peakTreeBytes = 0;
		this.peakMainBytes = 0;
		this.samples = 0;
		this.maxProcesses = 0;
		this.foreignSeen = [];
		this.lastForeignCheck = 0;
		/** Last CPU ticks seen of each process below the root (task runners). */
		this.descendantTicks = new Map();
	}

	start() {
		this.sample();
		this.timer = setInterval(() => this.sample(), this.intervalMs);
		return this;
	}

	sample() {
		const main = rssBytes(this.rootPid);
		if (main > 0) {
			const descendants = descendantsOf(this.rootPid);
			const tree = descendants.reduce((sum, pid) => sum + rssBytes(pid), main);
			for (const pid of descendants) {
				const ticks = cpuTicks(pid);
				if (ticks !== undefined) this.descendantTicks.set(pid, ticks);
			}
			this.samples++;
			this.peakTreeBytes = Math.max(this.peakTreeBytes, tree);
			this.peakMainBytes = Math.max(this.peakMainBytes, main);
			this.maxProcesses = Math.max(this.maxProcesses, descendants.length + 1);
		}
		const now = Date.now();
		if (now - this.lastForeignCheck >= this.foreignCheckEveryMs) {
			this.lastForeignCheck = now;
			for (const foreign of foreignN8nProcesses()) {
				if (!this.foreignSeen.some((seen) => seen.pid === foreign.pid)) this.foreignSeen.push(foreign);
			}
		}
	}

	stop() {
		clearInterval(this.timer);
		return {
			peakTreeBytes: this.peakTreeBytes,
			peakMainBytes: this.peakMainBytes,
			samples: this.samples,
			intervalMs: this.intervalMs,
			maxProcesses: this.maxProcesses,
			foreignN8nSeen: this.foreignSeen,
			descendantCpuTicks: [...this.descendantTicks.values()].reduce((sum, ticks) => sum + ticks, 0),
		};
	}
}

module.exports = { RssSampler, ForeignCpuMeter, foreignN8nProcesses, descendantsOf, rssBytes, cpuTicks };
