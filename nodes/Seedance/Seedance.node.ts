import { type INodeType, type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { generateVideoFields } from './description/generateVideo';
import { operationProperty } from './description/operation';
import { listTasksFields, taskIdField } from './description/taskFields';
import { waitAndOutputFields } from './description/waitAndOutput';

export class Seedance implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedance',
		name: 'seedance',
		icon: { light: 'file:../../icons/seedance.svg', dark: 'file:../../icons/seedance.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Generate AI videos with ByteDance Seedance (and gemini-omni): create, wait, download, list and cancel tasks',
		defaults: { name: 'Seedance' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'seedanceApi', required: true }],
		// The base URL comes from the credential in the send step (execution/executionScope.ts),
		// read once per run rather than evaluated as an expression for every item.
		requestDefaults: {
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		},
		properties: [operationProperty, ...generateVideoFields, taskIdField, ...listTasksFields, ...waitAndOutputFields],
	};
}
