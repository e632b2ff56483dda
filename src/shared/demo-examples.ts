// The requests the offline demo assistant understands, shown in the UI and the README. The demo
// itself (src/main/providers/demo) parses them; this list is the one source for both sides.

export interface DemoExample {
  /** A request to type, as shown to the user. */
  request: string
  /** What the demo does with it. */
  does: string
  /** The abilities it calls, in order of first use. */
  abilities: string[]
}

export const DEMO_EXAMPLES: readonly DemoExample[] = [
  {
    request: 'Show overdue invoices',
    does: 'Lists the invoices that are past due with the amount still open.',
    abilities: ['list_overdue_invoices']
  },
  {
    request: 'Find the contact named Dana Whitfield',
    does: 'Searches contacts by name (also: "who is Dana Whitfield?").',
    abilities: ['search_records']
  },
  {
    request: 'Find the account Bluewater Boatworks',
    does: 'Searches accounts (companies) by name.',
    abilities: ['search_records']
  },
  {
    request: 'Show deals for Acme Marine Outfitters',
    does: 'Lists deals, all of them or those matching a name or account.',
    abilities: ['search_records']
  },
  {
    request: 'Move the deal Spring dock hardware order to negotiation',
    does: 'Finds the deal and proposes the stage change; it waits for your approval.',
    abilities: ['search_records', 'update_record']
  },
  {
    request: 'Set the amount of the deal Kayak rack fixtures to 25,000',
    does: 'Finds the deal and proposes the new amount; it waits for your approval.',
    abilities: ['search_records', 'update_record']
  },
  {
    request: 'Email Acme Marine Outfitters about their overdue invoice',
    does: 'Finds the overdue invoice and a contact, drafts a polite reminder; it waits for your approval.',
    abilities: ['list_overdue_invoices', 'search_records', 'send_message']
  },
  {
    request: 'Switch on the automation Overdue invoice reminders',
    does: 'Finds the automation and proposes switching it on (or off); it waits for your approval.',
    abilities: ['list_automations', 'enable_automation']
  }
]
