// The renderer's Content-Security-Policy, sent as a response header by both the Electron shell and
// the headless host (frame-ancestors only works as a header). index.html carries the same policy,
// less frame-ancestors, in a meta tag.
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
