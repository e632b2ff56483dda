// The offline demo assistant: see model.ts (the LanguageModelV4) and requests.ts (what it understands).
export { createDemoModel, planDemoStep, helpText, DEMO_NAME, type DemoModelOptions, type DemoStep } from './model'
export { DEMO_EXAMPLES, parseRequest, type DemoExample, type DemoRequest } from './requests'
export { DEMO_DISPLAY_NAME, DEMO_MODEL_ID, DEMO_PROVIDER_ID } from '../factory'
