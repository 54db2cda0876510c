'use strict';
/**
 * The benchmarks that need a running n8n (`n8n start`), as Wait Mode "Callback" does: an
 * execution that waits in n8n is resumed by a POST to its resume URL, which only a server
 * answers. Started the way test/e2e/callback-mode.test.js starts it (harness: owner set up,
 * REST signed in); runs are started through a published Webhook trigger and watched over REST.
 */
const harness = require('../../scripts/n8n/harness');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/** Starts `n8n start` for the user folder, creates the owner and signs in over REST. */
async function startServer(n8n) {
	const bootStartedAt = Date.now();
	const server = await n8n.startN8n();
	try {
		const owner = await harness.setupOwner(server.url);
		const rest = await harness.loginRest(server.url, owner);
		return { server, rest, bootMs: Date.now() - bootStartedAt };
	} catch (error) {
		await server.stop();
		throw error;
	}
}

/** The executions of one workflow, without their data (the list endpoint: cheap for the server). */
async function executionSummaries(rest, workflowId) {
	return await harness.listExecutions(rest, workflowId);
}

/**
 * POSTs to a published workflow's webhook (answered at once: "respond immediately") and
 * resolves { executionId, triggeredAt } once the new execution is listed.
 */
async function triggerRun(server, rest, { workflowId, path }, { timeoutMs = 20000 } = {}) {
	const before = new Set((await executionSummaries(rest, workflowId)).map((execution) => execution.id));
	const triggeredAt = Date.now();
	const answer = await fetch(`${server.url}/webhook/${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: '{}',
		signal: AbortSignal.timeout(30000),
	});
	const body = await answer.text();
	if (!answer.ok) throw new Error(`POST /webhook/${path} answered ${answer.status}: ${body.slice(0, 200)}`);
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const fresh = (await executionSummaries(rest, workflowId)).filter((execution) => !before.has(execution.id));
		if (fresh.length > 0) return { executionId: fresh[0].id, triggeredAt };
		await sleep(50);
	}
	throw new Error(`no execution of workflow ${workflowId} appeared within ${timeoutMs} ms of its webhook call`);
}

/**
 * Watches one execution over REST (the list endpoint, every `intervalMs`) until it ends.
 * Resolves { history, phases, polls }: `history` lists every status change as first seen
 * ({ status, seenAt, startedAt, stoppedAt, waitTill } as n8n reported them then); each
 * entry's n8n timestamps are kept, since n8n overwrites `stoppedAt` when a waiting execution
 * ends later.
 */
async function watchExecution(rest, workflowId, executionId, { intervalMs = 100, timeoutMs = 5 * 60 * 1000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	const history = [];
	let polls = 0;
	let lastPollAt = 0;
	while (Date.now() < deadline) {
		const summary = (await executionSummaries(rest, workflowId)).find((execution) => execution.id === executionId);
		const seenAt = Date.now();
		polls++;
		if (summary && history.at(-1)?.status !== summary.status) {
			history.push({
				status: summary.status,
				seenAt,
				previousPollAt: lastPollAt || undefined,
				startedAt: summary.startedAt ?? null,
				stoppedAt: summary.stoppedAt ?? null,
				waitTill: summary.waitTill ?? null,
			});
		}
		lastPollAt = seenAt;
		if (summary && FINISHED.includes(summary.status)) return { history, polls, intervalMs };
		await sleep(Math.max(0, intervalMs - (Date.now() - seenAt)));
	}
	throw new Error(`execution ${executionId} had not ended after ${timeoutMs} ms (statuses seen: ${history.map((entry) => entry.status).join(' -> ')})`);
}

/** The ended execution with its run data parsed. */
async function finishedExecution(rest, executionId) {
	return await harness.waitForExecution(rest, executionId, { timeoutMs: 10000, intervalMs: 200 });
}

/**
 * What the REST watch can tell of the time the execution was `running` (or `new`), given that
 * each status change happened somewhere between two polls: { lowerMs, upperMs }. A stretch
 * first seen at poll P (the poll before it: P-1, or the webhook call for the first one) and
 * left by poll Q (before it: Q-1) lasted between (Q-1) - P and Q - (P-1). Slow REST answers
 * (a busy server) widen the bracket.
 */
function observedRunningMs(history, triggeredAt) {
	let lowerMs = 0;
	let upperMs = 0;
	for (const [index, entry] of history.entries()) {
		if (entry.status !== 'running' && entry.status !== 'new') continue;
		const next = history[index + 1];
		if (!next) continue;
		lowerMs += Math.max(0, (next.previousPollAt ?? next.seenAt) - entry.seenAt);
		upperMs += next.seenAt - (entry.previousPollAt ?? triggeredAt ?? entry.seenAt);
	}
	return { lowerMs, upperMs };
}

module.exports = { startServer, triggerRun, watchExecution, finishedExecution, observedRunningMs };
