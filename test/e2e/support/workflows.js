'use strict';
/** Builds small workflows around one Seedance node, for `n8n import:workflow`. */
const { NODE_TYPE, CREDENTIAL_TYPE } = require('../../../scripts/n8n/harness');

const TRIGGER_NAME = 'Start';
const SEEDANCE_NAME = 'Seedance';

/**
 * Manual Trigger -> Seedance. `parameters` are the Seedance node's parameters
 * (exact names from nodes/Seedance/description); `credential` is what
 * importCredential resolved.
 */
function manualTriggerToSeedance({ name, parameters, credential }) {
	return {
		name,
		nodes: [
			{
				id: 'e2e-trigger',
				name: TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e2e-seedance',
				name: SEEDANCE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters,
				credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			[TRIGGER_NAME]: { main: [[{ node: SEEDANCE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

module.exports = { manualTriggerToSeedance, TRIGGER_NAME, SEEDANCE_NAME };
