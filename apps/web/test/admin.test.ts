/** The admin pages' reading of the API's validation problems by field (a form shows them at its fields). */
import { describe, expect, it } from 'vitest';
import { fieldProblems } from '../src/api/admin';
import { ApiError } from '../src/api/http';

describe('fieldProblems', () => {
  it('maps each field the API names to its first message; nothing for other failures', () => {
    const error = new ApiError(400, {
      code: 'usage.invalid_argument',
      message:
        'invalid request: body.email: must be an e-mail address; body.roles: must hold at least one role',
      problems: [
        {
          severity: 'error',
          code: 'request.invalid_value',
          file: 'body',
          field: 'email',
          message: 'bad e-mail',
        },
        { severity: 'error', code: 'request.invalid_value', file: 'body', field: 'email', message: 'second' },
        {
          severity: 'error',
          code: 'request.invalid_value',
          file: 'body',
          field: 'scope.groups',
          message: 'x',
        },
        { severity: 'error', code: 'request.invalid_value', file: 'body', message: 'no field' },
      ],
    });
    expect(fieldProblems(error)).toEqual({ email: 'bad e-mail', 'scope.groups': 'x' });
    expect(fieldProblems(new ApiError(409, { code: 'conflict', message: 'taken', problems: [] }))).toEqual(
      {},
    );
    expect(fieldProblems(new ApiError(500, { message: 'no body' }))).toEqual({});
    expect(fieldProblems(new TypeError('offline'))).toEqual({});
    expect(fieldProblems(null)).toEqual({});
  });
});
