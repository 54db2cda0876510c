import type { INodeProperties } from 'n8n-workflow';

import { LISTABLE_STATUSES } from '../waiting/taskStatus';
import { SERVICE_TIER_OPTIONS } from './choices';

export const taskIdField: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. cgt-20250331175019-68d9t',
	description: 'ID of the video task, as returned by Generate Video',
	displayOptions: { show: { operation: ['get', 'wait', 'delete'] } },
};

const showForList = { show: { operation: ['list'] } };

export const listTasksFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: showForList,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 500 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['list'], returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showForList,
		options: [
			{
				displayName: 'Model',
				name: 'model',
				type: 'string',
				default: '',
				description: 'Only tasks of this model (or endpoint ID)',
				routing: { send: { type: 'query', property: 'filter.model', propertyInDotNotation: false } },
			},
			{
				displayName: 'Service Tier',
				name: 'serviceTier',
				type: 'options',
				options: SERVICE_TIER_OPTIONS,
				default: 'default',
				routing: { send: { type: 'query', property: 'filter.service_tier', propertyInDotNotation: false } },
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: LISTABLE_STATUSES.map((status) => ({
					name: status.charAt(0).toUpperCase() + status.slice(1),
					value: status,
				})),
				default: 'succeeded',
				routing: { send: { type: 'query', property: 'filter.status', propertyInDotNotation: false } },
			},
			{
				displayName: 'Task IDs',
				name: 'taskIds',
				type: 'string',
				default: '',
				placeholder: 'cgt-2025..., cgt-2025...',
				description: 'Comma-separated task IDs',
				routing: { send: { type: 'query', property: 'filter.task_ids', propertyInDotNotation: false } },
			},
		],
	},
];
