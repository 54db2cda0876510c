'use strict';
/**
 * Timings from an execution's run data (the IRun `n8n execute --rawOutput` prints):
 * runData[node][runIndex] = { startTime (unix ms), executionTime (ms), executionStatus, data }.
 */

function nodeRuns(run, nodeName) {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!Array.isArray(runs) || runs.length === 0) {
		const ran = Object.keys(run?.data?.resultData?.runData ?? {}).join(', ') || 'none';
		throw new Error(`node "${nodeName}" did not run (nodes that ran: ${ran})`);
	}
	return runs;
}

/** One node's runs: count, summed execution time, first start, last end, output items. */
function nodeTiming(run, nodeName) {
	const runs = nodeRuns(run, nodeName);
	let totalMs = 0;
	let firstStart = Infinity;
	let lastEnd = 0;
	let items = 0;
	const statuses = {};
	for (const nodeRun of runs) {
		totalMs += nodeRun.executionTime ?? 0;
		firstStart = Math.min(firstStart, nodeRun.startTime);
		lastEnd = Math.max(lastEnd, nodeRun.startTime + (nodeRun.executionTime ?? 0));
		items += nodeRun.data?.main?.[0]?.length ?? 0;
		const status = nodeRun.executionStatus ?? 'unknown';
		statuses[status] = (statuses[status] ?? 0) + 1;
	}
	return {
		runs: runs.length,
		executionTimeMs: totalMs,
		perRunMs: runs.map((nodeRun) => nodeRun.executionTime ?? 0),
		firstStartMs: firstStart,
		lastEndMs: lastEnd,
		spanMs: lastEnd - firstStart,
		outputItems: items,
		statuses,
	};
}

/** The workflow's own duration as n8n recorded it (startedAt -> stoppedAt), when present. */
function workflowDurationMs(run) {
	const started = Date.parse(run?.startedAt ?? '');
	const stopped = Date.parse(run?.stoppedAt ?? '');
	return Number.isFinite(started) && Number.isFinite(stopped) ? stopped - started : undefined;
}

function outputItems(run, nodeName) {
	return nodeRuns(run, nodeName).flatMap((nodeRun) => nodeRun.data?.main?.[0] ?? []);
}

module.exports = { nodeTiming, workflowDurationMs, outputItems };
