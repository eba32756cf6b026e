import { createApp } from './app.js'

/** The app configured from `process.env`, not listening (for tests and embedding). */
export const app = createApp(process.env)
