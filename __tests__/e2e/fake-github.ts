/**
 * A loopback stand-in for the parts of GitHub that Cannonade talks to: the REST API
 * (workflow runs, artifacts, issue comments, the authenticated user), the Actions
 * results service (Twirp `ArtifactService`) and the Azure blob storage that signed
 * artifact URLs point at. It serves the endpoints the product calls and no others.
 *
 * It is deliberately protocol-faithful rather than convenient: the real
 * `@actions/artifact` client and the real Octokit from `@actions/github` are pointed
 * at it unchanged, so anything they would trip over on github.com they trip over here.
 * Everything lives in memory and the server only ever binds 127.0.0.1.
 *
 * One file per protocol in fake-github/: rest-runs.ts (workflow runs, run artifacts, zip download),
 * rest-comments.ts (user, pull request, comments), twirp.ts (the results service), blob.ts (blob
 * storage); core.ts holds the state and responders they share, server.ts the routing and faults.
 */
export { startFakeGitHub } from './fake-github/server.js'
export { createZip, extractZip } from './fake-github/zip.js'
export type * from './fake-github/types.js'
