// The embedded sample CRM workspace. App code imports from here; ./admin.ts is for tests only.
export { SampleConnector } from './connector'
export { SampleWorkspaceServer, type SampleServerOptions } from './server'
export { listSampleUsers, SAMPLE_COMPANY } from './seed'
export type { Recovery } from './store'
