'use strict';
/** What the e2e suites that run n8n as a server share: start it with an owner, and clean up. */
const fs = require('node:fs');

const harness = require('../../../scripts/n8n/harness');

/** Starts `n8n start` for the user folder, creates the owner and logs in over REST. */
async function startServerSession(n8n, options) {
	const server = await n8n.startN8n(options);
	const owner = await harness.setupOwner(server.url);
	const rest = await harness.loginRest(server.url, owner);
	return { server, owner, rest };
}

/** Stops what a suite started and removes its folder (kept with KEEP_N8N_E2E=1). */
async function cleanUp({ server, simulator, folder }) {
	await server?.stop();
	await simulator?.stop();
	if (folder && process.env.KEEP_N8N_E2E !== '1') fs.rmSync(folder, { recursive: true, force: true });
}

module.exports = { startServerSession, cleanUp };
