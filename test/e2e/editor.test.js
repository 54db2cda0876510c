'use strict';
/**
 * The n8n editor, in headless Chromium, with the built package installed as a
 * community node: the Seedance node can be found in the node panel, added to a
 * workflow, and its Generate Video form renders; the workflow saves with it.
 * Leaves a screenshot in test-results/editor-seedance-node.png.
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../../scripts/n8n/harness');
const editor = require('./support/editor');

const SCREENSHOT = path.join(harness.REPO_ROOT, 'test-results', 'editor-seedance-node.png');
const FAILURE_SCREENSHOT = path.join(harness.REPO_ROOT, 'test-results', 'editor-node-panel-failure.png');
const EXPECTED_OPERATIONS = ['Cancel or Delete Task', 'Generate Video', 'Get Task', 'List Tasks', 'Wait for Task'];
const EXPECTED_ACTIONS = ['Cancel or delete a task', 'Generate a video', 'Get a task', 'List tasks', 'Wait for a task'];

describe('n8n editor with the Seedance community node', () => {
	let userFolder;
	let server;
	let owner;
	let browser;
	let page;

	beforeAll(async () => {
		harness.ensureN8nInstalled({ install: false });
		userFolder = harness.createTempDir();
		const n8n = harness.prepareUserFolder({ dir: userFolder, packageDir: process.env.SEEDANCE_PACKAGE_DIR || undefined });
		server = await n8n.startN8n();
		owner = await harness.setupOwner(server.url);
		browser = await editor.launchChromium();
		page = await editor.newEditorPage(browser);
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		if (userFolder && process.env.KEEP_N8N_E2E !== '1') fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('the server lists the seedance node type and the seedanceApi credential type', async () => {
		const rest = await harness.loginRest(server.url, owner);
		const nodeTypes = await rest.get('/types/nodes.json');
		const seedance = nodeTypes.find((type) => type.name === harness.NODE_TYPE);
		expect(seedance).toBeDefined();
		expect(seedance.displayName).toBe('Seedance');
		expect(seedance.credentials).toEqual([expect.objectContaining({ name: harness.CREDENTIAL_TYPE })]);

		const credentialTypes = await rest.get('/types/credentials.json');
		const credential = credentialTypes.find((type) => type.name === harness.CREDENTIAL_TYPE);
		expect(credential).toBeDefined();
		expect(credential.properties.map((property) => property.name)).toEqual(expect.arrayContaining(['apiKey', 'baseUrl']));
	});

	test('adds the Seedance node from the node panel and renders its Generate Video form', async () => {
		await editor.signIn(page, server.url, owner);
		const workflowId = await editor.openNewWorkflow(page, server.url);
		await editor.addManualTrigger(page);

		// The node panel ("What happens next?") finds the node by name.
		await page.getByTestId('node-creator-plus-button').click();
		const found = await editor.searchNodePanel(page, 'Seedance');
		if (!found.includes('Seedance')) {
			await editor.saveScreenshot(page, FAILURE_SCREENSHOT);
			throw new Error(
				`The node panel does not list "Seedance" (listed: ${JSON.stringify(found)}). ` +
					'n8n hides nodes whose codex categories include "AI" unless subcategories.AI includes "Root Nodes".',
			);
		}

		// Clicking it lists one action per operation.
		await editor.clickNodePanelItem(page, 'Seedance');
		expect(await editor.listNodeActions(page, { untilListed: 'Generate a video' })).toEqual(expect.arrayContaining(EXPECTED_ACTIONS));
		await editor.clickNodeAction(page, 'Generate a video');

		// The node details view: operation, model, prompt, content, then the wait/output switches.
		const operations = await editor.listParameterOptions(page, 'operation');
		expect(operations).toEqual(expect.arrayContaining(EXPECTED_OPERATIONS));

		const models = await editor.listParameterOptions(page, 'model');
		expect(models).toEqual(expect.arrayContaining(['Seedance 1.0 Pro (250528)', 'Custom Model ID']));

		expect(await editor.visibleParameterNames(page)).toEqual(
			expect.arrayContaining(['operation', 'model', 'prompt', 'waitForCompletion', 'downloadVideo', 'simplify']),
		);
		expect(await page.getByTestId('parameter-input-prompt').locator('textarea').isVisible()).toBe(true);

		// One content item shows its type, source, URL, role and name fields.
		await page.getByTestId('fixed-collection-add').first().click();
		await page.getByTestId('parameter-input-url').waitFor();
		expect(await editor.visibleParameterNames(page)).toEqual(
			expect.arrayContaining(['type', 'source', 'url', 'role', 'name']),
		);

		const prompt = page.getByTestId('parameter-input-prompt').locator('textarea');
		await prompt.fill('A red fox runs through fresh snow');
		await prompt.blur(); // the focus tip would cover the Content label in the screenshot
		await page.waitForTimeout(300);
		await editor.saveScreenshot(page, SCREENSHOT);
		expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10000);

		// Saved, the workflow holds the node with the values set in the form
		// (n8n leaves out parameters still at their default, like operation).
		await editor.closeNodePanelAndNdv(page);
		await page.keyboard.press('Control+s');
		const rest = await harness.loginRest(server.url, owner);
		const saved = await waitForSavedNode(rest, workflowId ?? workflowIdFromUrl(page.url()));
		expect(saved.typeVersion).toBe(1);
		expect(saved.parameters.prompt).toBe('A red fox runs through fresh snow');
		expect(saved.parameters.operation ?? 'generate').toBe('generate');
		expect(saved.parameters.content.item).toHaveLength(1);
	});
});

function workflowIdFromUrl(address) {
	const match = /\/workflow\/([^/?#]+)/.exec(address);
	if (!match || match[1] === 'new') throw new Error(`No workflow id in ${address}`);
	return match[1];
}

/** Polls the REST API until the workflow has a Seedance node (saving is asynchronous). */
async function waitForSavedNode(rest, workflowId, timeoutMs = 20000) {
	const deadline = Date.now() + timeoutMs;
	let lastSeen;
	while (Date.now() < deadline) {
		try {
			const workflow = await rest.get(`/rest/workflows/${workflowId}`);
			lastSeen = workflow.nodes?.map((node) => node.type);
			const node = workflow.nodes?.find((candidate) => candidate.type === harness.NODE_TYPE);
			if (node?.parameters?.prompt) return node;
		} catch (error) {
			lastSeen = error.message;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`Workflow ${workflowId} was not saved with a Seedance node (last seen: ${JSON.stringify(lastSeen)})`);
}
