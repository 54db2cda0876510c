'use strict';
/**
 * Reads what a simulator (started by the harness, `simulator/cli.js`) received, through its
 * admin endpoints, and counts the requests the benchmarks report on.
 */
const TASKS_PATH = '/api/v3/contents/generations/tasks';

async function admin(sim, method, path) {
	const response = await fetch(`${sim.baseUrl}/__sim/${path}`, { method, signal: AbortSignal.timeout(30000) });
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} /__sim/${path} answered ${response.status}: ${text.slice(0, 200)}`);
	return JSON.parse(text);
}

const reset = (sim) => admin(sim, 'POST', 'reset');
const stats = (sim) => admin(sim, 'GET', 'stats');
const requests = (sim) => admin(sim, 'GET', 'requests');
const mediaRequests = (sim) => admin(sim, 'GET', 'media-requests');
const tasks = (sim) => admin(sim, 'GET', 'tasks');
/** Every callback POST the simulator attempted: { time (when it started), taskId, taskStatus, httpStatus, error }. */
const callbacks = (sim) => admin(sim, 'GET', 'callbacks');

function asArray(value) {
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value : [value];
}

/**
 * Classifies the recorded API requests: creates, status reads of one task (GET /tasks/{id})
 * and list requests (GET /tasks, the poller's `filter.task_ids` rounds, including a list
 * probe a provider without listing refuses). For every created task: how many status
 * requests carried its ID (its own GETs plus the list requests naming it).
 */
function countRequests(records) {
	const creates = [];
	const gets = [];
	const lists = [];
	const other = [];
	for (const record of records) {
		if (record.path === TASKS_PATH || record.path === `${TASKS_PATH}/`) {
			(record.method === 'POST' ? creates : record.method === 'GET' ? lists : other).push(record);
		} else if (record.path.startsWith(`${TASKS_PATH}/`) && record.method === 'GET') {
			gets.push(record);
		} else {
			other.push(record);
		}
	}
	const perTask = new Map();
	const bump = (id) => perTask.set(id, (perTask.get(id) ?? 0) + 1);
	for (const get of gets) bump(decodeURIComponent(get.path.slice(TASKS_PATH.length + 1)));
	// a list request counts as a read of the tasks it names only when it was answered
	for (const list of lists) if (list.status === 200) for (const id of asArray(list.query?.['filter.task_ids'])) bump(id);
	return {
		creates: creates.length,
		createStatuses: tally(creates.map((record) => record.status)),
		getRequests: gets.length,
		listRequests: lists.length,
		listStatuses: tally(lists.map((record) => record.status)),
		otherRequests: other.length,
		statusRequests: gets.length + lists.length,
		perTaskReads: perTask,
		createdTaskIds: creates.map((record) => record.taskId).filter(Boolean),
		createBodies: creates.map((record) => record.body),
	};
}

function tally(values) {
	const counts = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

/** Whether a recorded request is a status read: GET /tasks/{id} or a list request (GET /tasks). */
function isStatusRequest(record) {
	if (record.method !== 'GET') return false;
	return record.path === TASKS_PATH || record.path === `${TASKS_PATH}/` || record.path.startsWith(`${TASKS_PATH}/`);
}

module.exports = { TASKS_PATH, reset, stats, requests, mediaRequests, tasks, callbacks, countRequests, isStatusRequest };
