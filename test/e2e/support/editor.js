'use strict';
/**
 * Small page helpers for driving the n8n 2.x editor with playwright-core and
 * the system Chromium. n8n marks its UI with `data-test-id` attributes.
 */
const fs = require('node:fs');
const path = require('node:path');
const { chromium, selectors } = require('playwright-core');

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
];
const UI_TIMEOUT_MS = 30000;

let testIdAttributeSet = false;

async function launchChromium() {
	if (!fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium chromium-driver (or set CHROMIUM_PATH)`);
	}
	if (!testIdAttributeSet) {
		selectors.setTestIdAttribute('data-test-id');
		testIdAttributeSet = true;
	}
	return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

async function newEditorPage(browser) {
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	context.setDefaultTimeout(UI_TIMEOUT_MS);
	return context.newPage();
}

/** Fills the sign-in form; resolves once the editor has left /signin. */
async function signIn(page, url, { email, password }) {
	await page.goto(`${url}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"]').fill(email);
	await page.locator('input[name="password"]').fill(password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((address) => !address.pathname.startsWith('/signin'));
}

/** Opens a blank workflow; resolves the id n8n gave it (from /workflow/<id>). */
async function openNewWorkflow(page, url) {
	await page.goto(`${url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').waitFor();
	await page.waitForURL(/\/workflow\/[^/?]+/);
	const match = /\/workflow\/([^/?#]+)/.exec(page.url());
	return match && match[1] !== 'new' ? match[1] : undefined;
}

/** Types into the (already open) node panel search; resolves the names listed. */
async function searchNodePanel(page, text) {
	const search = page.getByTestId('node-creator-search-bar');
	await search.waitFor();
	await search.fill(text);
	// The list re-renders after typing; wait for results or the empty state.
	await page
		.locator('[data-test-id="node-creator-item-name"], [data-test-id="node-creator-no-results"]')
		.first()
		.waitFor();
	await page.waitForTimeout(300);
	return visibleTexts(page.getByTestId('node-creator-item-name'));
}

async function visibleTexts(locator) {
	const texts = [];
	for (const element of await locator.all()) {
		if (await element.isVisible()) texts.push((await element.innerText()).trim());
	}
	return texts;
}

async function clickNodePanelItem(page, name) {
	await page.getByTestId('node-creator-item-name').filter({ hasText: new RegExp(`^${escapeRegExp(name)}$`) }).first().click();
}

/** The first step on an empty canvas must be a trigger: adds "Manual Trigger". */
async function addManualTrigger(page) {
	await page.getByTestId('canvas-plus-button').click();
	await searchNodePanel(page, 'Manual Trigger');
	await clickNodePanelItem(page, 'Manual Trigger');
	await page.getByTestId('canvas-trigger-node').waitFor();
	await closeNodePanelAndNdv(page);
}

async function closeNodePanelAndNdv(page) {
	for (let attempt = 0; attempt < 3; attempt++) {
		const ndvOpen = await page.getByTestId('ndv').isVisible();
		const panelOpen = await page.getByTestId('node-creator-search-bar').isVisible();
		if (!ndvOpen && !panelOpen) return;
		await page.keyboard.press('Escape');
		await page.waitForTimeout(300);
	}
}

/**
 * The action rows a node shows in the panel after clicking it ("Generate a
 * video", …). `untilListed` names one action to wait for, as the panel
 * animates from the search results to the node's actions.
 */
async function listNodeActions(page, { untilListed, settleMs = 400, timeoutMs = UI_TIMEOUT_MS }) {
	await page.getByTestId('item-iterator-item').filter({ hasText: untilListed }).first().waitFor();
	// While the panel slides over, rows of the search results and of the actions are both
	// visible: read until two reads a moment apart agree.
	const read = async () => (await visibleTexts(page.getByTestId('item-iterator-item'))).map((row) => row.split('\n')[0].trim());
	const deadline = Date.now() + timeoutMs;
	let rows = await read();
	while (Date.now() < deadline) {
		await page.waitForTimeout(settleMs);
		const again = await read();
		if (JSON.stringify(again) === JSON.stringify(rows)) return rows;
		rows = again;
	}
	return rows;
}

async function clickNodeAction(page, actionName) {
	await page.getByTestId('item-iterator-item').filter({ hasText: actionName }).first().click();
	await page.getByTestId('ndv').waitFor();
}

/** Opens an options parameter's dropdown in the open NDV; resolves the option titles. */
async function listParameterOptions(page, parameterName) {
	await page.getByTestId(`parameter-input-${parameterName}`).click();
	// Dropdowns opened earlier stay in the DOM, hidden: only the visible list counts.
	const options = page.locator('[role="listbox"] [role="option"] .option-headline:visible');
	await options.first().waitFor();
	const titles = await visibleTexts(options);
	await page.keyboard.press('Escape');
	await page.waitForTimeout(200);
	return titles;
}

/** The parameter names (data-test-id parameter-input-<name>) visible in the open NDV. */
async function visibleParameterNames(page) {
	const inputs = page.locator('[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]');
	const names = new Set();
	for (const input of await inputs.all()) {
		if (!(await input.isVisible())) continue;
		const name = (await input.getAttribute('data-test-id')).slice('parameter-input-'.length);
		if (name !== 'field' && name !== 'item') names.add(name);
	}
	return [...names];
}

/**
 * The options a collection parameter offers for adding, read from its "Add ..." control
 * (found by its placeholder, e.g. "Add Setting"). With `pick`, adds that option; otherwise
 * closes the list. n8n renders the control as a select or as a dropdown menu, by version.
 */
async function collectionOptions(page, placeholder, pick) {
	const parameters = page.getByTestId('node-parameters');
	const add = parameters.getByPlaceholder(placeholder, { exact: true }).or(parameters.getByText(placeholder, { exact: true })).first();
	await add.scrollIntoViewIfNeeded();
	await add.click();
	const options = page.locator(
		'[data-test-id="collection-parameter-option"]:visible, [role="menu"] [role="menuitem"]:visible, [role="listbox"] [role="option"]:visible',
	);
	await options.first().waitFor();
	await page.waitForTimeout(200);
	const names = await visibleTexts(options);
	if (pick === undefined) {
		await page.keyboard.press('Escape');
		await page.waitForTimeout(200);
		return names;
	}
	await options.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(pick)}\\s*$`) }).first().click();
	await page.waitForTimeout(300);
	return names;
}

async function saveScreenshot(page, file) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	await page.screenshot({ path: file });
	return file;
}

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = {
	launchChromium,
	newEditorPage,
	signIn,
	openNewWorkflow,
	searchNodePanel,
	clickNodePanelItem,
	addManualTrigger,
	closeNodePanelAndNdv,
	listNodeActions,
	clickNodeAction,
	listParameterOptions,
	visibleParameterNames,
	collectionOptions,
	saveScreenshot,
};
