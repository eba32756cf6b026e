/**
 * Microsoft Entra ID as the `azuread-tenant-oauth2` backend sees it, behind an injected fetch
 * (the backend insists on https://login.microsoftonline.com, which a test cannot listen on):
 * discovery, JWKS and a token endpoint answering a signed id_token for the current account.
 */
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import { fakeFetch } from '@social-auth/oauth/testing'

/** The tenant the app is registered in (a GUID: a single-tenant app). */
export const ENTRA_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad'
export const ENTRA_CLIENT_ID = 'entra-client-id'
const AUTHORITY = `https://login.microsoftonline.com/${ENTRA_TENANT}`
const ISSUER = `${AUTHORITY}/v2.0`

/** The claims Entra puts in the id_token for the signed-in person. */
export interface EntraAccount {
  oid: string
  email?: string
  preferred_username?: string
  /** Entra's "email domain owner verified" claim (the only trustworthy email signal). */
  xms_edov?: boolean
  tid?: string
}

/** A fake Entra: its fetch, the account of the next login, and the nonce it must echo. */
export async function fakeEntra() {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'entra-key', alg: 'RS256', use: 'sig' }
  const state: { account: EntraAccount; nonce: string | undefined } = {
    account: { oid: 'oid-1' },
    nonce: undefined,
  }
  const sign = () => {
    const { tid = ENTRA_TENANT, ...claims } = state.account
    return new SignJWT({ ...claims, tid, sub: `pairwise-${claims.oid}`, nonce: state.nonce })
      .setProtectedHeader({ alg: 'RS256', kid: 'entra-key' })
      .setIssuer(`https://login.microsoftonline.com/${tid}/v2.0`)
      .setAudience(ENTRA_CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey)
  }
  const fetch = fakeFetch({
    [`GET ${ISSUER}/.well-known/openid-configuration`]: {
      issuer: ISSUER,
      authorization_endpoint: `${AUTHORITY}/oauth2/v2.0/authorize`,
      token_endpoint: `${AUTHORITY}/oauth2/v2.0/token`,
      jwks_uri: `${AUTHORITY}/discovery/v2.0/keys`,
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
    },
    [`GET ${AUTHORITY}/discovery/v2.0/keys`]: { keys: [jwk] },
    [`POST ${AUTHORITY}/oauth2/v2.0/token`]: async () => ({
      access_token: 'entra-access-token',
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: await sign(),
    }),
  })
  return { fetch, state }
}
