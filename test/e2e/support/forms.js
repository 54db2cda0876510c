'use strict';
/**
 * Fills in an n8n form over HTTP the way the form page's own script does
 * (n8n 2.40 templates/form-trigger.handlebars and form-trigger-completion; 1.123 the same,
 * except that the completion page carries one file instead of an array):
 *
 *   1. POST multipart/form-data to /form/<path>, fields named field-0, field-1, …
 *   2. the answer is {formWaitingUrl}: poll <formWaitingUrl>/n8n-execution-status
 *      until it says "form-waiting" (the run reached the Form Ending node)
 *   3. GET formWaitingUrl: the completion page; with "Return Binary File" it
 *      carries the files as URI-encoded JSON, which the page's script turns
 *      into a download
 *   4. the page's script POSTs back to formWaitingUrl, and the run finishes
 */

/** A file input left empty, as a browser sends it: a part with an empty file name and no bytes. */
const EMPTY_FILE_INPUT = Object.freeze({ file: Buffer.alloc(0), fileName: '', mimeType: 'application/octet-stream' });

/**
 * Submits a form. `fields` is an array in form order: a string, a
 * {file: Buffer, fileName, mimeType} (or EMPTY_FILE_INPUT), or undefined to
 * leave the part out.
 */
async function submitForm(url, fields) {
	const { body, contentType } = multipartBody(fields);
	const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': contentType } });
	const text = await response.text();
	if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 300)}`);
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		throw new Error(`POST ${url} answered no JSON: ${text.slice(0, 300)}`);
	}
	return json;
}

/**
 * The multipart/form-data body a browser sends for the form (written out by
 * hand: fetch's FormData leaves the file name out for an empty file input,
 * where browsers send filename="", which is how n8n recognises a blank input).
 */
function multipartBody(fields) {
	const boundary = `----n8nSeedanceE2e${Date.now().toString(16)}`;
	const parts = [];
	fields.forEach((value, index) => {
		if (value === undefined) return;
		const name = `field-${index}`;
		if (typeof value === 'string') {
			parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
			return;
		}
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.fileName}"\r\n` +
					`Content-Type: ${value.mimeType}\r\n\r\n`,
			),
			value.file,
			Buffer.from('\r\n'),
		);
	});
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * What the completion page's script does once it has shown (downloaded) the
 * result: POST back to the same URL, which lets the run finish.
 */
async function acknowledgeCompletion(formWaitingUrl) {
	const response = await fetch(formWaitingUrl, { method: 'POST', body: String({}) });
	await response.arrayBuffer();
	if (!response.ok) throw new Error(`POST ${formWaitingUrl} (completion) answered ${response.status}`);
}

/** Polls the execution status the form page polls; resolves the last status text. */
async function waitForFormEnding(formWaitingUrl, { timeoutMs = 60000, intervalMs = 500 } = {}) {
	const statusUrl = new URL(formWaitingUrl);
	statusUrl.pathname += '/n8n-execution-status';
	const deadline = Date.now() + timeoutMs;
	let status;
	while (Date.now() < deadline) {
		status = (await (await fetch(statusUrl)).text()).trim();
		if (status === 'form-waiting') return status;
		if (['error', 'crashed', 'canceled', 'null'].includes(status)) {
			throw new Error(`The form's execution ended "${status}" instead of reaching the Form Ending node`);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`The form's execution is still "${status}" after ${timeoutMs} ms`);
}

/**
 * The files a "Return Binary File" completion page hands to the browser: [{fileName, type, data: Buffer}].
 * n8n 2.x puts an array of files in the page; 1.x one file object.
 */
function filesFromCompletionPage(html) {
	const match = /JSON\.parse\(decodeURIComponent\("([^"]*)"\)\)/.exec(html);
	if (!match) throw new Error('The completion page carries no files');
	const parsed = JSON.parse(decodeURIComponent(match[1]));
	return [parsed].flat().map((file) => ({
		fileName: file.fileName,
		type: file.type,
		data: file.data?.type === 'Buffer' ? Buffer.from(file.data.data) : Buffer.from(file.data, 'latin1'),
	}));
}

/** Submit, wait for the ending, read the files, let the run finish; resolves {executionId, files, html}. */
async function submitFormAndGetFiles(url, fields, options) {
	const { formWaitingUrl } = await submitForm(url, fields);
	if (!formWaitingUrl) throw new Error('The form answered without a formWaitingUrl (is a Form Ending node connected?)');
	await waitForFormEnding(formWaitingUrl, options);
	const page = await fetch(formWaitingUrl);
	const html = await page.text();
	if (!page.ok) throw new Error(`GET ${formWaitingUrl} answered ${page.status}: ${html.slice(0, 300)}`);
	const files = filesFromCompletionPage(html);
	await acknowledgeCompletion(formWaitingUrl);
	const executionId = /\/form-waiting\/([^/?]+)/.exec(formWaitingUrl)?.[1];
	return { executionId, formWaitingUrl, html, files };
}

module.exports = { EMPTY_FILE_INPUT, submitForm, multipartBody, acknowledgeCompletion, waitForFormEnding, filesFromCompletionPage, submitFormAndGetFiles };
