'use strict';
/**
 * The benchmark workflows, built as n8n workflow JSON for `n8n import:workflow`:
 *
 *   Start (Manual Trigger) -> Make Items (Code: N items {i}) -> <node under test>
 *
 * (or, for a running n8n, Webhook -> Make Items -> Seedance). The node under test is the
 * Seedance node (all items in one node run), the same node
 * inside a Loop Over Items (SplitInBatches v3, batch size 1: one item submitted and waited
 * at a time, n8n's own sequential style), or n8n's HTTP Request node.
 */
const { NODE_TYPE, CREDENTIAL_TYPE } = require('../../scripts/n8n/harness');

const MODEL = 'doubao-seedance-1-0-pro-250528';
const NAMES = Object.freeze({
	trigger: 'Start',
	webhook: 'Webhook',
	items: 'Make Items',
	seedance: 'Seedance',
	loop: 'Loop Over Items',
	http: 'HTTP Request',
});
/** What n8n 2.40 gives a new HTTP Request node (its defaultVersion). */
const HTTP_REQUEST_TYPE_VERSION = 4.5;

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: `bench-${name.toLowerCase().replace(/\s+/g, '-')}`, name, type, typeVersion, position: [position * 240, 0], parameters, ...extra };
}

function link(to, index = 0) {
	return { node: to, type: 'main', index };
}

function itemSource(count) {
	return [
		node(NAMES.trigger, 'n8n-nodes-base.manualTrigger', 1, 0, {}),
		node(NAMES.items, 'n8n-nodes-base.code', 2, 1, {
			jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { i } }));`,
		}),
	];
}

/** The prompt: one per item, with the simulator markers that set the task's life. */
function promptExpression(markers) {
	return `=Bench item {{ $json.i }}: a paper boat drifts down a rainy street ${markers}`.trimEnd();
}

function seedanceNode(position, { credential, markers, waitForCompletion = true, waitMode, downloadVideo = true, options = {} }) {
	return node(
		NAMES.seedance,
		NODE_TYPE,
		1,
		position,
		{
			operation: 'generate',
			model: MODEL,
			prompt: promptExpression(markers),
			waitForCompletion,
			...(waitForCompletion && waitMode ? { waitMode } : {}),
			...(waitForCompletion ? { downloadVideo } : {}),
			options,
		},
		{ credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } } },
	);
}

function workflow(name, nodes, connections) {
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Start -> Make Items (count) -> Seedance (all items in one node run). */
function seedanceBatch({ name, count, ...seedance }) {
	return workflow(name, [...itemSource(count), seedanceNode(2, seedance)], {
		[NAMES.trigger]: { main: [[link(NAMES.items)]] },
		[NAMES.items]: { main: [[link(NAMES.seedance)]] },
	});
}

/**
 * Webhook (POST `path`, answered at once) -> Make Items (count) -> Seedance: for a running n8n
 * (`n8n start`), where Wait Mode "Callback" can resume the execution. Every execution's data
 * is saved, so its run data can be read over REST afterwards.
 */
function seedanceWebhook({ name, path, webhookId, count, ...seedance }) {
	const [, items] = itemSource(count);
	const webhook = node(NAMES.webhook, 'n8n-nodes-base.webhook', 2, 0, { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} }, { webhookId });
	return {
		...workflow(name, [webhook, items, seedanceNode(2, seedance)], {
			[NAMES.webhook]: { main: [[link(NAMES.items)]] },
			[NAMES.items]: { main: [[link(NAMES.seedance)]] },
		}),
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all', saveManualExecutions: true },
	};
}

/**
 * Start -> Make Items (count) -> Loop Over Items (batch size 1) -loop-> Seedance -> back to
 * the loop: each item is submitted and waited for before the next one starts.
 */
function seedanceLoop({ name, count, ...seedance }) {
	return workflow(
		name,
		[...itemSource(count), node(NAMES.loop, 'n8n-nodes-base.splitInBatches', 3, 2, { batchSize: 1, options: {} }), seedanceNode(3, seedance)],
		{
			[NAMES.trigger]: { main: [[link(NAMES.items)]] },
			[NAMES.items]: { main: [[link(NAMES.loop)]] },
			// SplitInBatches v3: output 0 "done", output 1 "loop"
			[NAMES.loop]: { main: [[], [link(NAMES.seedance)]] },
			[NAMES.seedance]: { main: [[link(NAMES.loop)]] },
		},
	);
}

/**
 * Start -> Make Items (count) -> HTTP Request: POST the same create body the Seedance node
 * sends to the aggregator ({model, prompt}), with a Header Auth credential
 * (Authorization: Bearer <key>), and every other setting at n8n's default (no batching
 * option: the node starts every item's request at once and awaits them all).
 */
function httpRequestCreates({ name, count, baseUrl, credential, markers }) {
	return workflow(
		name,
		[
			...itemSource(count),
			node(
				NAMES.http,
				'n8n-nodes-base.httpRequest',
				HTTP_REQUEST_TYPE_VERSION,
				2,
				{
					method: 'POST',
					url: `${baseUrl}/api/v3/contents/generations/tasks`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendBody: true,
					contentType: 'json',
					specifyBody: 'keypair',
					bodyParameters: {
						parameters: [
							{ name: 'model', value: MODEL },
							{ name: 'prompt', value: promptExpression(markers) },
						],
					},
					options: {},
				},
				{ credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } } },
			),
		],
		{
			[NAMES.trigger]: { main: [[link(NAMES.items)]] },
			[NAMES.items]: { main: [[link(NAMES.http)]] },
		},
	);
}

module.exports = { MODEL, NAMES, HTTP_REQUEST_TYPE_VERSION, seedanceBatch, seedanceLoop, seedanceWebhook, httpRequestCreates };
