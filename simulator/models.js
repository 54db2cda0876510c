'use strict';

/** The models the aggregator documents (Ark names). */
const DOCUMENTED_MODELS = Object.freeze([
  'doubao-seedance-1-0-lite-i2v-250428',
  'doubao-seedance-1-0-lite-t2v-250428',
  'doubao-seedance-1-0-pro-250528',
  'doubao-seedance-1-0-pro-fast-251015',
  'doubao-seedance-1-5-pro-251215',
  'doubao-seedance-2-0-260128',
  'doubao-seedance-2-0-fast-260128',
  'gemini-omni',
]);

const DOUBAO_PREFIX = 'doubao-';

/** BytePlus ModelArk names: the doubao- models without the prefix. */
const BYTEPLUS_MODELS = Object.freeze(
  DOCUMENTED_MODELS.filter((model) => model.startsWith(DOUBAO_PREFIX)).map((model) => model.slice(DOUBAO_PREFIX.length)),
);

const KNOWN_MODELS = new Set([...DOCUMENTED_MODELS, ...BYTEPLUS_MODELS]);

/**
 * @param {string} model
 * @returns {boolean} true for a documented model, its BytePlus name, or an Ark endpoint id (`ep-...`)
 */
function isKnownModel(model) {
  return KNOWN_MODELS.has(model) || /^ep-[A-Za-z0-9-]+$/.test(model);
}

module.exports = { DOCUMENTED_MODELS, BYTEPLUS_MODELS, isKnownModel };
