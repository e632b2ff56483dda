// The seed for the sample workspace: "Harbor & Pine Supply", a small wholesale supplier of marine
// and timber hardware. Dates are computed from the moment the workspace is first created and then
// stored as plain ISO dates, so the overdue invoices stay overdue as time passes.
import { randomBytes } from 'node:crypto'
import type { FieldValue, RecordType } from '../types'
import {
  ID_PREFIX,
  WORKSPACE_FORMAT,
  WORKSPACE_FORMAT_VERSION,
  type Permission,
  type SampleUser,
  type StoredAutomation,
  type StoredRecord,
  type WorkspaceData
} from './model'

export const SAMPLE_COMPANY = 'Harbor & Pine Supply'

const SALES_REP: Permission[] = [
  'account.read', 'account.create', 'account.update',
  'contact.read', 'contact.create', 'contact.update',
  'deal.read', 'deal.create', 'deal.update',
  'message.send', 'automation.read'
]
const FINANCE: Permission[] = [
  'account.read', 'contact.read', 'contact.update',
  'deal.read', 'deal.all_teams',
  'invoice.read',
  'message.send', 'automation.read'
]
const SALES_MANAGER: Permission[] = [
  'account.read', 'account.create', 'account.update',
  'contact.read', 'contact.create', 'contact.update',
  'deal.read', 'deal.create', 'deal.update', 'deal.all_teams',
  'invoice.read',
  'message.send', 'automation.read', 'automation.switch'
]

/** Administers Countersign for the company; reads the CRM but changes nothing in it. */
const ADMINISTRATOR: Permission[] = ['account.read', 'contact.read', 'organisation.admin']

export const SEED_USERS: SampleUser[] = [
  { id: 'u-rita', login: 'rita', name: 'Rita Alvarez', role: 'Sales rep', team: 'East', email: 'rita.alvarez@harborpine.example.com', permissions: SALES_REP },
  { id: 'u-theo', login: 'theo', name: 'Theo Park', role: 'Sales rep', team: 'East', email: 'theo.park@harborpine.example.com', permissions: SALES_REP },
  { id: 'u-sam', login: 'sam', name: 'Sam Whitaker', role: 'Sales rep', team: 'West', email: 'sam.whitaker@harborpine.example.com', permissions: SALES_REP },
  { id: 'u-frank', login: 'frank', name: 'Frank Osei', role: 'Finance', team: null, email: 'frank.osei@harborpine.example.com', permissions: FINANCE },
  { id: 'u-maria', login: 'maria', name: 'Maria Chen', role: 'Sales manager', team: null, email: 'maria.chen@harborpine.example.com', permissions: SALES_MANAGER },
  { id: 'u-ada', login: 'ada', name: 'Ada Brooks', role: 'Administrator', team: null, email: 'ada.brooks@harborpine.example.com', permissions: ADMINISTRATOR }
]

/** The people offered by the sign-in picker. */
export function listSampleUsers(): { login: string; name: string; role: string }[] {
  return SEED_USERS.map((u) => ({ login: u.login, name: u.name, role: u.team ? `${u.role}, team ${u.team}` : u.role }))
}

// [name, industry, city, phone, email]
const ACCOUNTS: [string, string, string, string, string][] = [
  ['Acme Marine Outfitters', 'Retail', 'Portland, ME', '+1 207 555 0142', 'orders@acme-marine.example.com'],
  ['Bluewater Boatworks', 'Boat building', 'Annapolis, MD', '+1 410 555 0187', 'purchasing@bluewater.example.com'],
  ['Cedar Ridge Builders', 'Construction', 'Burlington, VT', '+1 802 555 0119', 'office@cedarridge.example.com'],
  ['Northwind Hospitality', 'Hospitality', 'Boston, MA', '+1 617 555 0133', 'facilities@northwind-hotels.example.com'],
  ['Pacific Timberline Co.', 'Construction', 'Tacoma, WA', '+1 253 555 0164', 'ap@pacific-timberline.example.com'],
  ['Sierra Outdoor Goods', 'Retail', 'Sacramento, CA', '+1 916 555 0178', 'buying@sierra-outdoor.example.com'],
  ['Redwood Coast Marinas', 'Marine services', 'Eureka, CA', '+1 707 555 0125', 'ops@redwood-marinas.example.com'],
  ['Desert Bloom Landscaping', 'Landscaping', 'Phoenix, AZ', '+1 602 555 0191', 'hello@desertbloom.example.com']
]

// [name, email, phone, title, account index]
const CONTACTS: [string, string, string, string, number][] = [
  ['Dana Whitfield', 'dana.whitfield@acme-marine.example.com', '+1 207 555 0143', 'Purchasing manager', 0],
  ['Luis Romero', 'luis.romero@acme-marine.example.com', '+1 207 555 0144', 'Accounts payable', 0],
  ['Grace Holloway', 'grace.holloway@bluewater.example.com', '+1 410 555 0188', 'Operations director', 1],
  ['Ben Okafor', 'ben.okafor@cedarridge.example.com', '+1 802 555 0120', 'Project manager', 2],
  ['Priya Nair', 'priya.nair@northwind-hotels.example.com', '+1 617 555 0134', 'Head of facilities', 3],
  ['Tom Brennan', 'tom.brennan@northwind-hotels.example.com', '+1 617 555 0135', 'Finance controller', 3],
  ['Hannah Lindqvist', 'hannah.lindqvist@pacific-timberline.example.com', '+1 253 555 0165', 'Procurement lead', 4],
  ['Marcus Lee', 'marcus.lee@pacific-timberline.example.com', '+1 253 555 0166', 'Accounts payable', 4],
  ['Sofia Reyes', 'sofia.reyes@sierra-outdoor.example.com', '+1 916 555 0179', 'Category buyer', 5],
  ['Owen Gallagher', 'owen.gallagher@redwood-marinas.example.com', '+1 707 555 0126', 'Harbor master', 6],
  ['Aisha Bello', 'aisha.bello@redwood-marinas.example.com', '+1 707 555 0127', 'Office manager', 6],
  ['Carlos Mendez', 'carlos.mendez@desertbloom.example.com', '+1 602 555 0192', 'Owner', 7]
]

// [name, stage, amount, account index, owner id, close date offset in days]
const DEALS: [string, string, number, number, string, number][] = [
  ['Spring dock hardware order', 'proposal', 48500, 0, 'u-rita', 21],
  ['Teak decking supply contract', 'negotiation', 126000, 1, 'u-rita', 14],
  ['Acme annual renewal', 'won', 35000, 0, 'u-rita', -12],
  ['Framing lumber 2026', 'qualification', 72000, 2, 'u-theo', 45],
  ['Deck furniture refresh', 'prospecting', 18750, 3, 'u-theo', 60],
  ['Winter storage racks', 'lost', 27300, 1, 'u-theo', -30],
  ['Glulam beams for Tacoma depot', 'proposal', 210000, 4, 'u-sam', 30],
  ['Kayak rack fixtures', 'qualification', 22400, 5, 'u-sam', 40],
  ['Pier rebuild materials', 'negotiation', 340000, 6, 'u-sam', 10],
  ['Irrigation fittings', 'lost', 15200, 7, 'u-sam', -20],
  ['Northwind multi-site framework', 'prospecting', 480000, 3, 'u-maria', 90]
]

// [account index, issued offset, due offset, total, open amount, state]
const INVOICES: [number, number, number, number, number, string][] = [
  [0, -75, -45, 12400, 12400, 'posted'],
  [1, -50, -20, 31750, 15000, 'posted'],
  [2, -40, -10, 8920, 8920, 'posted'],
  [3, -20, 10, 4300, 4300, 'posted'],
  [4, -95, -65, 56000, 56000, 'posted'],
  [5, -60, -30, 6480, 0, 'paid'],
  [6, -35, -5, 22150, 22150, 'posted'],
  [7, -15, 15, 3275, 3275, 'posted'],
  [0, -100, -70, 9800, 0, 'paid'],
  [1, -5, 25, 14600, 14600, 'posted']
]

const AUTOMATIONS: [string, string, boolean][] = [
  [
    'Overdue invoice reminders',
    'When on, every Monday at 09:00 it emails a payment reminder to the billing contact of each invoice more than 7 days overdue, from the finance mailbox, with the invoice attached.',
    false
  ],
  [
    'New contact welcome series',
    'When on, every new contact added to the CRM receives three welcome emails over 10 days introducing Harbor & Pine Supply and their account rep.',
    true
  ],
  [
    'Stale deal alerts',
    'When on, the owner of any open deal with no activity for 14 days, and the sales manager, get a daily email listing those deals.',
    false
  ],
  [
    'Won deal handoff',
    'When on, moving a deal to "won" emails the customer a welcome-aboard note and creates an onboarding task for the operations team.',
    true
  ]
]

const DAY = 86_400_000

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10)
}

/** A fresh workspace as it is on first run, dated relative to `now`. */
export function createSeedWorkspace(now: Date = new Date()): WorkspaceData {
  const at = now.toISOString()
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const day = (offset: number) => isoDate(new Date(today + offset * DAY))
  const record = (type: RecordType, n: number, fields: Record<string, FieldValue>): StoredRecord => ({
    id: `${ID_PREFIX[type]}-${n}`,
    revision: 1,
    modifiedAt: at,
    modifiedBy: 'u-maria',
    fields
  })
  const accountId = (i: number) => `${ID_PREFIX.account}-${i + 1}`
  const teamOf = (userId: string) => SEED_USERS.find((u) => u.id === userId)?.team ?? null

  const accounts = ACCOUNTS.map(([name, industry, city, phone, email], i) =>
    record('account', i + 1, { name, industry, city, phone, email })
  )
  const contacts = CONTACTS.map(([name, email, phone, title, a], i) =>
    record('contact', i + 1, { name, email, phone, title, accountId: accountId(a) })
  )
  const deals = DEALS.map(([name, stage, amount, a, ownerId, close], i) =>
    record('deal', i + 1, { name, stage, amount, accountId: accountId(a), ownerId, team: teamOf(ownerId), closeDate: day(close) })
  )
  const year = new Date(today).getUTCFullYear()
  const invoices = INVOICES.map(([a, issued, due, total, amountOpen, state], i) =>
    record('invoice', i + 1, {
      number: `INV-${year}-${String(1001 + i)}`,
      accountId: accountId(a),
      issueDate: day(issued),
      dueDate: day(due),
      total,
      amountOpen,
      currency: 'USD',
      state
    })
  )
  const automations: StoredAutomation[] = AUTOMATIONS.map(([name, description, active], i) => ({
    id: `${ID_PREFIX.automation}-${i + 1}`,
    name,
    description,
    active,
    revision: 1,
    modifiedAt: at,
    modifiedBy: 'u-maria'
  }))

  return {
    format: WORKSPACE_FORMAT,
    formatVersion: WORKSPACE_FORMAT_VERSION,
    workspaceId: randomBytes(6).toString('hex'),
    company: SAMPLE_COMPANY,
    createdAt: at,
    users: SEED_USERS.map((u) => ({ ...u, permissions: [...u.permissions] })),
    records: { account: accounts, contact: contacts, deal: deals, invoice: invoices },
    automations,
    outbox: [],
    applied: {},
    effects: [],
    nextId: {
      account: accounts.length + 1,
      contact: contacts.length + 1,
      deal: deals.length + 1,
      invoice: invoices.length + 1,
      message: 1
    }
  }
}
