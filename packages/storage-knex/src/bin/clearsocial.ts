#!/usr/bin/env node
// `npm run clearsocial` / `npx social-auth-clearsocial`: see clear-social-cli.ts.
import { clearSocialCli } from '../clear-social-cli.js'

process.exitCode = await clearSocialCli(process.argv.slice(2))
