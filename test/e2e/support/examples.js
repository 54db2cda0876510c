'use strict';
/**
 * The shipped example workflows (examples/*.json), prepared for a test run:
 * wired to the test's credential, and with a 1 s poll interval so waiting on
 * the simulator's short tasks takes seconds. Nothing else changes: the nodes,
 * parameters and connections under test are the ones users import.
 */
const setup = require('../../../scripts/n8n/local-setup');

function loadExample(fileName, credential, { pollInterval = 1 } = {}) {
	const workflow = setup.withCredential(setup.readExample(fileName), credential);
	for (const node of setup.seedanceNodes(workflow)) {
		if (node.parameters.options && 'pollInterval' in node.parameters.options) node.parameters.options.pollInterval = pollInterval;
	}
	return workflow;
}

function node(workflow, name) {
	const found = workflow.nodes.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`Workflow "${workflow.name}" has no node "${name}"`);
	return found;
}

/** Appends simulator prompt markers (e.g. "[sim:task_ms=4000]") to a Seedance node's prompt. */
function appendToPrompt(workflow, nodeName, text) {
	const target = node(workflow, nodeName);
	target.parameters.prompt = `${target.parameters.prompt} ${text}`;
	return workflow;
}

module.exports = { loadExample, node, appendToPrompt, formPaths: setup.formPaths };
