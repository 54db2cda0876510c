import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

type Destination = 'body' | 'query';

function destinationOf(property: { routing?: INodeProperties['routing'] }, where: Destination): string | undefined {
	const send = property.routing?.send;
	return send?.type === where && typeof send.property === 'string' ? send.property : undefined;
}

/**
 * Builds a request body (or query) from the fields an operation declares: each field's
 * `routing.send` names its API property, as in n8n's declarative nodes. The description stays
 * the one place that says which field goes where. The rules:
 * - A top-level field is sent, unless its value is '' (an options field's "Auto" or "None"
 *   choice is '' and means "send nothing": Generate Video's Mode).
 * - A field inside a collection ("Video Settings", "Advanced API Fields", "Filters") is sent
 *   only when the user added it, so an unset field never reaches the API.
 * - When several fields name the same API property, the first one declared that has a value
 *   is sent (a setting in its new place wins over the same setting where an older version of
 *   the node kept it).
 */
export function declaredValues(
	ctx: IExecuteFunctions,
	itemIndex: number,
	properties: INodeProperties[],
	where: Destination,
): IDataObject {
	const values: IDataObject = {};
	const take = (target: string, value: IDataObject[string]) => {
		if (value !== undefined && !(target in values)) values[target] = value;
	};
	for (const property of properties) {
		const target = destinationOf(property, where);
		if (target) {
			const value = ctx.getNodeParameter(property.name, itemIndex) as IDataObject[string];
			if (value !== '') take(target, value);
			continue;
		}
		if (property.type !== 'collection' || !property.options) continue;
		const chosen = (ctx.getNodeParameter(property.name, itemIndex, {}) as IDataObject) ?? {};
		for (const option of property.options as INodeProperties[]) {
			const optionTarget = destinationOf(option, where);
			if (optionTarget) take(optionTarget, chosen[option.name]);
		}
	}
	return values;
}
