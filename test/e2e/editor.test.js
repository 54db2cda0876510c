'use strict';
/**
 * The n8n editor, in headless Chromium, with the built package installed as a
 * community node: the Seedance node can be found in the node panel, added to a
 * workflow, and its Generate Video form renders; the workflow saves with it.
 * Leaves screenshots in test-results/: editor-seedance-node.png (the form, copied to
 * examples/ for the README) and editor-seedance-alias-notice.png.
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../../scripts/n8n/harness');
const editor = require('./support/editor');

const SCREENSHOT = path.join(harness.REPO_ROOT, 'test-results', 'editor-seedance-node.png');
const ALIAS_SCREENSHOT = path.join(harness.REPO_ROOT, 'test-results', 'editor-seedance-alias-notice.png');
const FAILURE_SCREENSHOT = path.join(harness.REPO_ROOT, 'test-results', 'editor-node-panel-failure.png');
const EXPECTED_OPERATIONS = ['Cancel or Delete Task', 'Generate Video', 'Get Task', 'List Tasks', 'Wait for Task'];
const EXPECTED_SETTINGS = [
	'Aspect Ratio',
	'Camera Fixed',
	'Duration (Seconds)',
	'Generate Audio',
	'Resolution',
	'Return Last Frame',
	'Seed',
	'Service Tier',
	'Watermark',
];
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

		// Mode: Auto first (sends nothing), then each mode by name.
		const modes = await editor.listParameterOptions(page, 'mode');
		expect(modes[0]).toBe('Auto');
		expect(modes).toEqual(expect.arrayContaining(['First and Last Frame', 'Image to Video', 'Omni Reference (Function Mode)', 'Text to Video']));

		// Video Settings offers each setting once; Advanced API Fields offers none of them again.
		expect(await editor.collectionOptions(page, 'Add Setting')).toEqual(EXPECTED_SETTINGS);
		const advanced = await editor.collectionOptions(page, 'Add API Field');
		expect(advanced).toEqual(expect.arrayContaining(['Seconds (Alias of Duration)', 'Aspect Ratio (Alias)', 'Callback URL', 'Extra Body (JSON)']));
		expect(advanced.filter((name) => EXPECTED_SETTINGS.includes(name) || name === 'Mode' || name.includes('Moved to'))).toEqual([]);

		await editor.collectionOptions(page, 'Add Setting', 'Duration (Seconds)');
		await editor.collectionOptions(page, 'Add Setting', 'Resolution');
		await editor.collectionOptions(page, 'Add Setting', 'Aspect Ratio');
		expect(await editor.visibleParameterNames(page)).toEqual(expect.arrayContaining(['mode', 'duration', 'resolution', 'ratio']));
		expect(await page.getByText('mean the same').count()).toBe(0);

		// A taller window shows the whole form down to Video Settings.
		await page.setViewportSize({ width: 1440, height: 1420 });
		await page.getByTestId('node-parameters').evaluate((element) => {
			let scroller = element;
			while (scroller && scroller.scrollHeight <= scroller.clientHeight) scroller = scroller.parentElement;
			if (scroller) scroller.scrollTop = 0;
		});
		await page.waitForTimeout(300);
		await editor.saveScreenshot(page, SCREENSHOT);
		expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10000);

		// Seconds beside Duration: a notice says they mean the same (the run would be refused).
		await editor.collectionOptions(page, 'Add API Field', 'Seconds (Alias of Duration)');
		const notice = page.getByText(/Video Settings → Duration and .*Seconds.* mean the same/);
		await notice.waitFor();
		await notice.scrollIntoViewIfNeeded();
		await editor.saveScreenshot(page, ALIAS_SCREENSHOT);

		// Saved, the workflow holds the node with the values set in the form
		// (n8n leaves out parameters still at their default, like operation).
		await editor.closeNodePanelAndNdv(page);
		// The canvas shows the subtitle in words.
		await page.getByText('Generate Video: Seedance 1.0 Pro', { exact: true }).first().waitFor();
		await page.keyboard.press('Control+s');
		const rest = await harness.loginRest(server.url, owner);
		const saved = await waitForSavedNode(rest, workflowId ?? workflowIdFromUrl(page.url()), (node) => node.parameters.additionalFields?.seconds !== undefined);
		expect(saved.typeVersion).toBe(1);
		expect(saved.parameters.prompt).toBe('A red fox runs through fresh snow');
		expect(saved.parameters.operation ?? 'generate').toBe('generate');
		expect(saved.parameters.mode ?? '').toBe('');
		expect(saved.parameters.videoSettings).toEqual({ duration: 5, resolution: '720p', ratio: '16:9' });
		expect(saved.parameters.additionalFields).toEqual({ seconds: 5 });
		expect(saved.parameters.content.item).toHaveLength(1);
	});
});

function workflowIdFromUrl(address) {
	const match = /\/workflow\/([^/?#]+)/.exec(address);
	if (!match || match[1] === 'new') throw new Error(`No workflow id in ${address}`);
	return match[1];
}

/** Polls the REST API until the workflow has a Seedance node as `ready` expects (saving is asynchronous, and n8n also autosaves). */
async function waitForSavedNode(rest, workflowId, ready = () => true, timeoutMs = 20000) {
	const deadline = Date.now() + timeoutMs;
	let lastSeen;
	while (Date.now() < deadline) {
		try {
			const workflow = await rest.get(`/rest/workflows/${workflowId}`);
			lastSeen = workflow.nodes?.map((node) => node.type);
			const node = workflow.nodes?.find((candidate) => candidate.type === harness.NODE_TYPE);
			if (node?.parameters?.prompt && ready(node)) return node;
		} catch (error) {
			lastSeen = error.message;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`Workflow ${workflowId} was not saved with a Seedance node (last seen: ${JSON.stringify(lastSeen)})`);
}
