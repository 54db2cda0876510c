import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { SERVICE_TIER_OPTIONS } from '../../description/choices';
import { inputError } from '../../errors/nodeErrors';
import { type ItemOperation, runOperation } from '../../execution/runOperation';
import { declaredValues } from '../../mapping/declaredFields';
import { MAX_PAGE_SIZE } from '../../mapping/taskId';
import { shapeTask } from '../../output/taskOutput';
import { listTasksPage } from '../../transport/taskApi';
import { LISTABLE_STATUSES } from '../../waiting/taskStatus';

const showForList = { show: { resource: ['video'], operation: ['list'] } };

/** The fields of List Tasks; each filter's `routing.send` names its query parameter. */
export const description: INodeProperties[] = [
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
		displayOptions: { show: { resource: ['video'], operation: ['list'], returnAll: [false] } },
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

interface ListRequest {
	filters: IDataObject;
	limit: number;
}

/** The filters as query parameters: blanks dropped, task IDs as a repeated key. */
function prepareListRequest(ctx: IExecuteFunctions, itemIndex: number): ListRequest {
	const filters = declaredValues(ctx, itemIndex, description, 'query');
	const ids = filters['filter.task_ids'];
	if (ids !== undefined) {
		const list = (Array.isArray(ids) ? ids : String(ids).split(/[\n,]/))
			.map((id) => String(id).trim())
			.filter((id) => id !== '');
		if (list.length === 0) delete filters['filter.task_ids'];
		else filters['filter.task_ids'] = list;
	}
	for (const key of ['filter.model', 'filter.status', 'filter.service_tier']) {
		if (typeof filters[key] === 'string' && (filters[key] as string).trim() === '') delete filters[key];
	}
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return { filters, limit: Infinity };
	const limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
		throw inputError(ctx.getNode(), itemIndex, 'Limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${limit})`);
	}
	return { filters, limit };
}

const listTasks: ItemOperation<ListRequest> = {
	firstAction: 'list',
	prepare: (ctx, itemIndex) => prepareListRequest(ctx, itemIndex),
	async execute(ctx, item, { filters, limit }) {
		const tasks: IDataObject[] = [];
		for (let page = 1; tasks.length < limit; page++) {
			const pageSize = limit === Infinity ? MAX_PAGE_SIZE : Math.min(limit - tasks.length, MAX_PAGE_SIZE);
			const answer = await listTasksPage(ctx, item, { ...filters, page_num: page, page_size: pageSize });
			const items = answer.items as IDataObject[];
			tasks.push(...items);
			const total = typeof answer.total === 'number' ? answer.total : undefined;
			if (items.length < pageSize || (total !== undefined && page * pageSize >= total)) break;
		}
		return tasks.slice(0, limit).map((task) => ({ json: shapeTask(task, item.settings.simplify) }));
	},
};

/** Lists recent tasks (Ark and BytePlus), page by page, as list items. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, listTasks);
}
