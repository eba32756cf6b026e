import { defineSettings } from '@social-auth/core'

defineSettings({
  OSSO_BASE_URL: {
    type: 'string',
    default: 'https://demo.ossoapp.com',
    scope: 'backend',
    doc: 'The Osso instance (`SOCIAL_AUTH_OSSO_BASE_URL`).',
  },
  OSSO_TENANT_EMAIL_DOMAINS: {
    type: 'record',
    default: {},
    scope: 'backend',
    doc: 'Other email domains a tenant’s identity provider may assert, by tenant domain: `{"acme.com": ["acme.co.uk"]}`. Any other domain is refused (another tenant’s user).',
  },
  OSSO_ALLOW_IDP_INITIATED: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Accept IdP-initiated logins (`state=IDP_INITIATED`); they cannot be CSRF-protected.',
  },
})
