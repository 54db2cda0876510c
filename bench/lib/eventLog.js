'use strict';
/**
 * n8n's own event log: every n8n writes its event bus messages, one JSON object a line, to
 * <user folder>/.n8n/n8nEventLog*.log (`{ ts, eventName, payload: { executionId, ... } }`).
 * The benchmark reads the events of one execution from it: when each run of the execution
 * started in the process (`n8n.audit.workflow.executed`: the first start and every resume),
 * when its nodes started and finished, every waiting-webhook call n8n answered
 * (`n8n.audit.workflow.resumed`, also for calls that kept it waiting), and its end.
 */
const fs = require('node:fs');
const path = require('node:path');

const END_EVENTS = ['n8n.workflow.success', 'n8n.workflow.failed', 'n8n.workflow.crashed'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The events of one execution, oldest first: { name, at (unix ms), nodeName?, source? }. */
function executionEvents(userFolder, executionId) {
	const dir = path.join(userFolder, '.n8n');
	let files;
	try {
		files = fs.readdirSync(dir).filter((file) => /^n8nEventLog.*\.log$/.test(file));
	} catch {
		return [];
	}
	const events = [];
	for (const file of files) {
		for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
			if (!line.includes(`"executionId":"${executionId}"`)) continue;
			try {
				const event = JSON.parse(line);
				if (String(event.payload?.executionId) !== String(executionId)) continue;
				events.push({ name: event.eventName, at: Date.parse(event.ts), nodeName: event.payload.nodeName, source: event.payload.source });
			} catch {
				// a line being written
			}
		}
	}
	return events.sort((a, b) => a.at - b.at);
}

/** Waits (the log is written asynchronously) until the execution's end event is in the log. */
async function endedExecutionEvents(userFolder, executionId, { timeoutMs = 5000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const events = executionEvents(userFolder, executionId);
		if (events.some((event) => END_EVENTS.includes(event.name)) || Date.now() >= deadline) return events;
		await sleep(100);
	}
}

module.exports = { executionEvents, endedExecutionEvents, END_EVENTS };
