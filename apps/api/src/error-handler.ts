/**
 * The one error handler: every failure leaves as the contracts' error body (`code`, `message`,
 * `hint`, `problems`) with the status of the one table (`http-errors.ts`). Request validation
 * failures are `usage.invalid_argument` naming each field, in the message and as a problem per
 * field (`file`: body, querystring or params; `field`: the path in it); unexpected errors are
 * logged with their stack and answered as `internal` without details.
 */
import type { ErrorResponse, Problem } from '@license-insights/contracts';
import { AppError, formatIssues, isAppError } from '@license-insights/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { HTTP_STATUS, hintText } from './http-errors';

export function errorBody(e: AppError): ErrorResponse & { hintText?: string } {
  const body = e.toResponse();
  return e.hint === undefined ? body : { ...body, hintText: hintText(e.hint) };
}

export function toAppError(error: unknown, req: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'request';
    const issues = error.validation.map((v) => ({
      path: [
        where,
        ...String(v.instancePath ?? '')
          .split('/')
          .filter(Boolean),
      ],
      message: v.message ?? 'is invalid',
    }));
    // Each issue also as a problem naming its field, so a form can show it at the field.
    const problems: Problem[] = issues.map((i) => ({
      severity: 'error',
      code: 'request.invalid_value',
      file: where,
      ...(i.path.length > 1 ? { field: i.path.slice(1).join('.') } : {}),
      message: i.message,
    }));
    return new AppError('usage.invalid_argument', `invalid request: ${formatIssues(issues)}`, problems);
  }
  if (isResponseSerializationError(error)) {
    req.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
    return new AppError('internal', 'the server built an answer that does not match its own schema (a bug)');
  }
  const fe = error as Partial<FastifyError>;
  if (
    fe.statusCode === 413 ||
    fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ||
    fe.code === 'FST_REQ_FILE_TOO_LARGE'
  ) {
    return new AppError('request.too_large', fe.message ?? 'the request is larger than the server accepts');
  }
  if (fe.statusCode === 429) {
    return new AppError('auth.throttled', fe.message ?? 'too many requests: wait and try again');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('usage.invalid_argument', fe.message ?? 'invalid request');
  }
  req.log.error({ err: error }, 'unexpected error');
  return new AppError('internal', 'an unexpected error happened on the server (it is in the server log)');
}

export function errorHandler(error: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const e = toAppError(error, req);
  const status = HTTP_STATUS[e.code];
  if (status >= 500 && e.code !== 'internal') req.log.warn({ code: e.code }, e.message);
  void reply.status(status).type('application/json; charset=utf-8').send(errorBody(e));
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(404)
    .type('application/json; charset=utf-8')
    .send(errorBody(new AppError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));
}
