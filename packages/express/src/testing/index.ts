export { TestBrowser, type BrowserResponse, type RequestOptions } from './test-browser.js'
export { findForm, parseForms, type ParsedForm } from './forms.js'
