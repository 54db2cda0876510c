'use strict';

/**
 * The `type` field Ark puts next to each error code, by HTTP status.
 * @type {Readonly<Record<number, string>>}
 */
const ERROR_TYPE_BY_HTTP_STATUS = Object.freeze({
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
});

/**
 * A plausible Ark error code and message for each HTTP status (used by fault injection).
 * @type {Readonly<Record<number, [string, string]>>}
 */
const DEFAULT_ERROR_BY_HTTP_STATUS = Object.freeze({
  400: ['InvalidParameter', 'A parameter specified in the request is not valid.'],
  401: ['AuthenticationError', 'The API key in the request is missing or invalid.'],
  403: ['AccountOverdueError', 'The request failed because your account has an overdue balance.'],
  404: ['InvalidEndpointOrModel.NotFound', 'The model or endpoint does not exist or you do not have access to it.'],
  405: ['MethodNotAllowed', 'The HTTP method is not allowed for this resource.'],
  409: ['Conflict', 'The request conflicts with the current state of the resource.'],
  429: ['RateLimitExceeded.EndpointRPMExceeded', 'The request has exceeded the requests-per-minute limit of the endpoint. Please retry later.'],
  500: ['InternalServiceError', 'The service encountered an unexpected internal error.'],
  502: ['BadGateway', 'The upstream service returned an invalid response.'],
  503: ['ServiceUnavailable', 'The service is temporarily overloaded. Please retry later.'],
});

/**
 * @typedef {object} ErrorBody
 * @property {{code: string, message: string, param?: string, type: string}} error
 */

/**
 * Builds an Ark-style error body.
 * @param {number} httpStatus
 * @param {string} code
 * @param {string} message
 * @param {string} [param]
 * @returns {ErrorBody}
 */
function errorBody(httpStatus, code, message, param) {
  const type = ERROR_TYPE_BY_HTTP_STATUS[httpStatus] || 'Error';
  return { error: param === undefined ? { code, message, type } : { code, message, param, type } };
}

/**
 * @param {number} httpStatus
 * @returns {ErrorBody} a plausible error body for any HTTP status
 */
function defaultErrorBody(httpStatus) {
  const [code, message] = DEFAULT_ERROR_BY_HTTP_STATUS[httpStatus] || ['InternalServiceError', `HTTP ${httpStatus}`];
  return errorBody(httpStatus, code, message);
}

/** An error a request handler throws to answer with an Ark error body. */
class ApiError extends Error {
  /**
   * @param {number} httpStatus
   * @param {string} code
   * @param {string} message
   * @param {string} [param]
   * @param {Record<string, string>} [headers]
   */
  constructor(httpStatus, code, message, param, headers) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
    this.param = param;
    this.headers = headers || {};
  }

  /** @returns {ErrorBody} */
  toBody() {
    return errorBody(this.httpStatus, this.code, this.message, this.param);
  }
}

/**
 * @param {string} param
 * @param {string} reason
 * @returns {ApiError} 400 InvalidParameter naming the parameter
 */
function invalidParameter(param, reason) {
  return new ApiError(400, 'InvalidParameter', `The parameter \`${param}\` specified in the request is not valid: ${reason}.`, param);
}

/**
 * @param {string} param
 * @returns {ApiError} 400 MissingParameter naming the parameter
 */
function missingParameter(param) {
  return new ApiError(400, 'MissingParameter', `The request failed because it is missing the required parameter \`${param}\`.`, param);
}

module.exports = { ApiError, errorBody, defaultErrorBody, invalidParameter, missingParameter };
