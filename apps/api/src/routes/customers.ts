/** Customers: one customer's record (the scope check of the access table applies). */
import { customerRecordSchema } from '@license-insights/contracts';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { customerParamsSchema, FAILURES } from './schemas';

export function registerCustomerRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/v1/customers/:customerId',
    {
      schema: {
        tags: ['customers'],
        summary: 'One customer: id, name, domain, country, segment, groups',
        params: customerParamsSchema,
        response: { 200: customerRecordSchema, ...FAILURES },
      },
    },
    async (req) => ctx.directory.require(principal(req), req.params.customerId),
  );
}
