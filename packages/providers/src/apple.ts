import { InvalidSetting, type BoundBackend } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { SignJWT, importPKCS8 } from 'jose'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idTokenClaim, isTrue, obj, str } from './support/values.js'

const APPLE = 'https://appleid.apple.com'
// Apple accepts client secrets valid up to six months (PSA signs one for that long); one
// minted per token request only needs to outlive the request.
const CLIENT_SECRET_TTL_SECONDS = 300

function required(backend: BoundBackend, name: 'CLIENT' | 'TEAM' | 'KEY' | 'SECRET'): string {
  const value = backend.setting<string | undefined>(name)
  if (!value) {
    throw new InvalidSetting(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_${name}`,
      name === 'SECRET' ? 'the ES256 private key (PEM) Apple issued' : 'set',
    )
  }
  return value
}

/** Parsing a PEM on every token request would be wasted work; keys are cached by PEM. */
const signingKeys = new Map<string, ReturnType<typeof importPKCS8>>()

/** Apple's client secret: an ES256 JWT from the team, for the Services ID (PSA `generate_client_secret`). */
async function clientSecret(backend: BoundBackend): Promise<string> {
  const pem = required(backend, 'SECRET')
  let key = signingKeys.get(pem)
  if (!key) signingKeys.set(pem, (key = importPKCS8(pem, 'ES256')))
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: required(backend, 'KEY') })
    .setIssuer(required(backend, 'TEAM'))
    .setSubject(required(backend, 'CLIENT'))
    .setAudience(APPLE)
    .setIssuedAt()
    .setExpirationTime(`${CLIENT_SECRET_TTL_SECONDS}s`)
    .sign(await key)
}

/** The `user` field Apple posts on the first sign-in only: `{"name":{"firstName",…}}`. */
function postedUser(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {}
  try {
    return obj(JSON.parse(raw))
  } catch {
    return {}
  }
}

/**
 * Sign in with Apple (PSA `AppleIdAuth`, name `apple-id`). Apple answers with a `form_post`
 * and wants a client secret that is a JWT signed by the team's key (ES256): `CLIENT` is the
 * Services ID, `TEAM` the team id, `KEY` the key id and `SECRET` the private key in PEM. The
 * id_token is the identity (uid `sub`, signature checked against Apple's keys); the name
 * arrives once, in the posted `user` field, and is used for the profile only — the email is
 * taken from the signed id_token. A verified-email authority for `email_verified: true`.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [appleId()], // or 'social_core.backends.apple.AppleIdAuth'
 * SOCIAL_AUTH_APPLE_ID_CLIENT: 'com.example.web', SOCIAL_AUTH_APPLE_ID_TEAM: 'ABCDE12345',
 * SOCIAL_AUTH_APPLE_ID_KEY: 'KEYID12345', SOCIAL_AUTH_APPLE_ID_SECRET: process.env.APPLE_KEY_PEM,
 * ```
 */
export function appleId(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'apple-id',
    ...forwarded(options),
    openid: true,
    endpoints: () => ({
      issuer: APPLE,
      authorization: `${APPLE}/auth/authorize`,
      token: `${APPLE}/auth/token`,
      jwks: `${APPLE}/auth/keys`,
      revocation: `${APPLE}/auth/revoke`,
    }),
    clientId: (backend) => required(backend, 'CLIENT'),
    clientSecret,
    defaultScope: ['name', 'email'],
    idKey: 'sub',
    extraData: ['id_token', ['sub', 'id']],
    // Apple requires form_post whenever a scope is requested.
    authorizationParams: () => ({ response_mode: 'form_post' }),
    async userData({ idTokenClaims, callback }) {
      const name = obj(postedUser(callback.user).name)
      return {
        sub: idTokenClaims?.sub ?? null,
        email: idTokenClaims?.email ?? null,
        first_name: str(name.firstName) ?? null,
        last_name: str(name.lastName) ?? null,
      }
    },
    getUserId: (_details, response) => str(idTokenClaim(response, 'sub')),
    getUserDetails(response, backend) {
      const email = str(idTokenClaim(response, 'email'))
      const first = str(response.first_name)
      const last = str(response.last_name)
      return {
        username:
          backend.setting<boolean>('EMAIL_AS_USERNAME', false) && email
            ? email
            : str(idTokenClaim(response, 'sub')),
        email,
        // Only set on the first sign-in; undefined keeps the stored names (PSA sends None).
        ...(first || last
          ? {
              first_name: first,
              last_name: last,
              fullname: [first, last].filter(Boolean).join(' '),
            }
          : {}),
      }
    },
    emailAuthority: true,
    isEmailVerified: (response, details) =>
      details.email !== undefined && isTrue(idTokenClaim(response, 'email_verified')),
    setup(backend) {
      for (const name of ['CLIENT', 'TEAM', 'KEY', 'SECRET'] as const) required(backend, name)
    },
  })
}
