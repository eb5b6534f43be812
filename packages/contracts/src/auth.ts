/**
 * Sign-in and account self-service over HTTP: password and sign-in-link sign-in, the session's
 * CSRF token, a password change, which sign-in methods a server offers, and the lists the staff
 * and token routes answer with. Browser-safe: the dashboard's sign-in page imports these.
 */
import { z } from 'zod';
import { apiTokenSchema, newPasswordSchema, principalSchema, staffAccountSchema } from './access';

/** A signed-in browser: who it is, the session's end, and the CSRF token its writes must send. */
export const signInResponseSchema = z.object({
  principal: principalSchema,
  expiresAt: z.string().describe('When the session ends (ISO instant)'),
  csrfToken: z
    .string()
    .describe('Send it as the x-csrf-token header of every POST, PUT, PATCH and DELETE of this session'),
});
export type SignInResponse = z.infer<typeof signInResponseSchema>;

/** A one-time sign-in link's secret (the part after `#`), and optionally a password to set. */
export const linkSignInRequestSchema = z.object({
  secret: z.string().min(1).max(200).describe('The li_lnk_… secret after # in the link'),
  password: newPasswordSchema.optional().describe('A password to set for later sign-ins'),
});
export type LinkSignInRequest = z.infer<typeof linkSignInRequestSchema>;

export const changePasswordRequestSchema = z.object({
  currentPassword: z
    .string()
    .max(1024)
    .optional()
    .describe('The password now (required when the account has one)'),
  newPassword: newPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const csrfTokenResponseSchema = z.object({
  csrfToken: z.string().describe('Send it as the x-csrf-token header of this session’s writes'),
});
export type CsrfTokenResponse = z.infer<typeof csrfTokenResponseSchema>;

/** The sign-in methods a server offers (the sign-in page shows these). */
export const authProvidersResponseSchema = z.object({
  password: z.literal(true),
  oidc: z
    .object({
      label: z.string().describe('Name on the sign-in button'),
      startUrl: z.string().describe('Where the browser goes to sign in with it'),
    })
    .nullable(),
});
export type AuthProvidersResponse = z.infer<typeof authProvidersResponseSchema>;

export const staffAccountListSchema = z.object({ accounts: z.array(staffAccountSchema) });
export type StaffAccountList = z.infer<typeof staffAccountListSchema>;

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
export type ApiTokenList = z.infer<typeof apiTokenListSchema>;
