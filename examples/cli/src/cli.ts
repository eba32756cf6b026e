#!/usr/bin/env node
import { run } from './run.js'
import { readSettings } from './settings.js'

process.exitCode = await run(process.argv.slice(2), readSettings())
