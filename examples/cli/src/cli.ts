#!/usr/bin/env node
import { basename, relative } from 'node:path'
import { run } from './run.js'
import { readSettings } from './settings.js'

// Installed, the program is the `social-auth-cli` bin; in this repository it is run as a file.
const script = process.argv[1] ?? 'social-auth-cli'
const program =
  basename(script) === 'social-auth-cli'
    ? 'social-auth-cli'
    : `node ${relative(process.cwd(), script)}`

process.exitCode = await run(process.argv.slice(2), readSettings(), { program })
