'use strict';
/** Installs the cached n8n once (minutes, the first time) before any e2e test runs. */
const harness = require('../../../scripts/n8n/harness');

module.exports = async function globalSetup() {
	const runtime = harness.ensureN8nInstalled();
	process.stderr.write(`\n[e2e] n8n ${runtime.version} from ${runtime.installDir} (${runtime.marker})\n`);
};
