#!/usr/bin/python3
"""Seed a freshly initialised Tryton 6.0 database for Countersign's integration tests.

Run with Debian's /usr/bin/python3 (it has trytond and proteus). Environment:
  TRYTOND_CONFIG  the private trytond config file (SQLite path)
  DB_NAME         the database name (the SQLite file is <path>/<DB_NAME>.sqlite)
  SEED_TODAY      ISO date the seed treats as "today" (invoice dates are relative to it)

Prints one JSON object on the last line of stdout: the ids and logins the tests use.
Test data only: the passwords below exist only in this test rig.
"""
import datetime
from decimal import Decimal
import json
import os
import sys

from dateutil.relativedelta import relativedelta
from proteus import Model, Wizard, config as pconfig

DB_NAME = os.environ['DB_NAME']
CONFIG = os.environ['TRYTOND_CONFIG']
TODAY = datetime.date.fromisoformat(
    os.environ.get('SEED_TODAY') or datetime.date.today().isoformat())

pconfig.set_trytond(DB_NAME, config_file=CONFIG)

from trytond.modules.company.tests.tools import create_company  # noqa: E402
from trytond.modules.currency.tests.tools import get_currency  # noqa: E402
from trytond.modules.account.tests.tools import (  # noqa: E402
    create_fiscalyear, create_chart, get_accounts)
from trytond.modules.account_invoice.tests.tools import (  # noqa: E402
    set_fiscalyear_invoice_sequences)
from trytond.pyson import PYSONEncoder, Eval  # noqa: E402

out = {}

Party = Model.get('party.party')
Category = Model.get('party.category')
Currency = Model.get('currency.currency')
Group = Model.get('res.group')
User = Model.get('res.user')
ModelData = Model.get('ir.model.data')
IrModel = Model.get('ir.model')
RuleGroup = Model.get('ir.rule.group')
Employee = Model.get('company.employee')
PaymentTerm = Model.get('account.invoice.payment_term')
Invoice = Model.get('account.invoice')
Opportunity = Model.get('sale.opportunity')
Scenario = Model.get('marketing.automation.scenario')


def ref(module, fs_id):
    data, = ModelData.find([('module', '=', module), ('fs_id', '=', fs_id)])
    return data.db_id


# --- company, currency, accounting -------------------------------------------------------
usd = get_currency('USD')
company_party = Party(name='Countersign Demo Co')
company_party.save()
create_company(party=company_party, currency=usd)
Company = Model.get('company.company')
company, = Company.find()
out['companyId'] = company.id

create_chart(company)
accounts = get_accounts(company)
for day in sorted({TODAY - relativedelta(days=120), TODAY}):
    year = day.year
    FiscalYear = Model.get('account.fiscalyear')
    if FiscalYear.find([('start_date', '<=', day), ('end_date', '>=', day)]):
        continue
    fy = set_fiscalyear_invoice_sequences(create_fiscalyear(company, today=day))
    fy.click('create_period')

# create_payment_term fails on this Debian build; create the payment term directly.
term = PaymentTerm(name='Net 30')
line = term.lines.new(type='remainder')
delta = line.relativedeltas.new()
delta.days = 30
term.save()

# --- categories: persons are parties in the "Contact" category; industries below "Industry" -
contact_cat = Category(name='Contact')
contact_cat.save()
industry_cat = Category(name='Industry')
industry_cat.save()
industries = {}
for name in ['Software', 'Manufacturing', 'Retail']:
    c = Category(name=name, parent=industry_cat)
    c.save()
    industries[name] = c
out['contactCategoryId'] = contact_cat.id


def make_party(name, email=None, phone=None, city=None, categories=()):
    p = Party(name=name)
    if email:
        p.contact_mechanisms.new(type='email', value=email)
    if phone:
        p.contact_mechanisms.new(type='phone', value=phone)
    if city:
        address, = p.addresses if p.addresses else (p.addresses.new(),)
        address.city = city
    for c in categories:
        p.categories.append(Category(c.id))
    p.save()
    return p


acme = make_party('Acme Corp', 'billing@acme.example', '+1 555 0100', 'Springfield',
    [industries['Software']])
globex = make_party('Globex Corporation', 'ap@globex.example', '+1 555 0200',
    'Cypress Creek', [industries['Manufacturing']])
initech = make_party('Initech', 'accounts@initech.example', None, 'Austin',
    [industries['Retail']])
jane = make_party('Jane Doe', 'jane.doe@acme.example', '+1 555 0101', None,
    [contact_cat])
john = make_party('John Smith', 'john.smith@globex.example', None, None,
    [contact_cat])
out['parties'] = {
    'acme': acme.id, 'globex': globex.id, 'initech': initech.id,
    'jane': jane.id, 'john': john.id}

# Persons work for companies through party_relationship: "Works for" (reverse "Employs").
RelationType = Model.get('party.relation.type')
works_for = RelationType(name='Works for')
works_for.save()
employs = RelationType(name='Employs', reverse=works_for)
employs.save()
works_for.reverse = employs
works_for.save()
for person, company_party in [(jane, acme), (john, globex)]:
    rel = person.relations.new()
    rel.to = company_party
    rel.type = works_for
    person.save()
out['worksForTypeId'] = works_for.id

# More accounts than one page of answers: 33 parties whose names contain "Ltd".
ltd_words = ['Anchor', 'Birch', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbour',
    'Iris', 'Juniper', 'Kestrel', 'Linden', 'Maple', 'Nimbus', 'Onyx', 'Pine', 'Quartz',
    'Raven', 'Sable', 'Tundra', 'Umber', 'Vale', 'Willow', 'Xenon', 'Yarrow', 'Zephyr',
    'Alder', 'Basalt', 'Cedar', 'Dune', 'Elm', 'Flint', 'Garnet']
ltd = []
for word in ltd_words:
    p = Party(name='%s Trading Ltd' % word)
    p.save()
    ltd.append(p.id)
out['ltdAccounts'] = ltd

# --- employees and users ------------------------------------------------------------------
def make_employee(name):
    # Employees are persons: they carry the "Contact" category too.
    p = Party(name=name)
    p.categories.append(Category(contact_cat.id))
    p.save()
    e = Employee(party=p, company=company)
    e.save()
    return e


sam_emp = make_employee('Sam Sales')
olivia_emp = make_employee('Olivia Owner')
fiona_emp = make_employee('Fiona Finance')

g_opportunity = Group(ref('sale_opportunity', 'group_opportunity'))
g_account = Group(ref('account', 'group_account'))
g_marketing = Group(ref('marketing', 'group_marketing'))

# A group whose members see and change only the opportunities assigned to their own
# employee: a real Tryton record rule (ir.rule) on sale.opportunity.
reps = Group(name='Countersign Sales Reps')
reps.save()
opp_model, = IrModel.find([('model', '=', 'sale.opportunity')])
rule_group = RuleGroup(name='Own opportunities (sales reps)', model=opp_model,
    global_p=False, default_p=False, perm_read=True, perm_write=True,
    perm_create=True, perm_delete=True)
rule_group.groups.append(Group(reps.id))
rule = rule_group.rules.new()
rule.domain = PYSONEncoder(sort_keys=True).encode(
    [('employee', '=', Eval('employee', {}).get('id', -1))])
rule_group.save()
out['salesRepsGroupId'] = reps.id

# Finance clerks read every opportunity (Tryton's read-only sale group) but see only invoices
# that were issued: another real record rule, on account.invoice.
g_sale = Group(ref('sale', 'group_sale'))
clerks = Group(name='Countersign Finance Clerks')
clerks.save()
inv_model, = IrModel.find([('model', '=', 'account.invoice')])
inv_rules = RuleGroup(name='Issued invoices only (finance clerks)', model=inv_model,
    global_p=False, default_p=False, perm_read=True, perm_write=True,
    perm_create=True, perm_delete=True)
inv_rules.groups.append(Group(clerks.id))
inv_rule = inv_rules.rules.new()
inv_rule.domain = PYSONEncoder(sort_keys=True).encode([('state', '!=', 'draft')])
inv_rules.save()
out['financeClerksGroupId'] = clerks.id
out['opportunityGroupId'] = g_opportunity.id


def make_user(login, name, password, employee, groups, email, home=None):
    home = home or company
    u = User(login=login, name=name, email=email)
    u.password = password
    for g in groups:
        u.groups.append(Group(g.id))
    u.companies.append(Company(home.id))
    u.company = Company(home.id)
    u.employees.append(Employee(employee.id))
    u.employee = Employee(employee.id)
    u.save()
    return u


sam = make_user('sam', 'Sam Sales', 'sam-Secret-2718', sam_emp,
    [g_opportunity, reps, g_marketing], 'sam@countersign.example')
olivia = make_user('olivia', 'Olivia Owner', 'olivia-Secret-3141', olivia_emp,
    [g_opportunity, reps], 'olivia@countersign.example')
fiona = make_user('fiona', 'Fiona Finance', 'fiona-Secret-1618', fiona_emp,
    [g_account, g_sale, clerks], 'fiona@countersign.example')
# A group that may not see (nor change) the amount of an opportunity: a field access rule.
no_amounts = Group(name='Countersign No Amounts')
no_amounts.save()
FieldAccess = Model.get('ir.model.field.access')
ModelField = Model.get('ir.model.field')
amount_field, = ModelField.find([('model.model', '=', 'sale.opportunity'),
    ('name', '=', 'amount')])
FieldAccess(field=amount_field, group=no_amounts, perm_read=False,
    perm_write=False, perm_create=False, perm_delete=False).save()

# A group that sees no lost opportunity: a record rule by state (read only).
no_lost = Group(name='Countersign Open Deals')
no_lost.save()
lost_rules = RuleGroup(name='No lost opportunities', model=opp_model,
    global_p=False, default_p=False, perm_read=True, perm_write=False,
    perm_create=False, perm_delete=False)
lost_rules.groups.append(Group(no_lost.id))
lost_rule = lost_rules.rules.new()
lost_rule.domain = PYSONEncoder(sort_keys=True).encode([('state', '!=', 'lost')])
lost_rules.save()

amy_emp = make_employee('Amy Amountless')
luke_emp = make_employee('Luke Lostless')
francois_emp = make_employee('Fran\u00e7ois Fournier')
amy = make_user('amy', 'Amy Amountless', 'amy-Secret-5772', amy_emp,
    [g_opportunity, no_amounts], 'amy@countersign.example')
luke = make_user('luke', 'Luke Lostless', 'luke-Secret-9073', luke_emp,
    [g_opportunity, no_lost], 'luke@countersign.example')
francois = make_user('francois', 'Fran\u00e7ois Fournier', 'francois-Pw-4819',
    francois_emp, [g_opportunity, reps], 'francois@countersign.example')
Lang = Model.get('ir.lang')
french, = Lang.find([('code', '=', 'fr')])
francois.language = french
francois.save()

out['users'] = {
    'amy': {'id': amy.id, 'login': 'amy', 'password': 'amy-Secret-5772',
        'employeeId': amy_emp.id},
    'luke': {'id': luke.id, 'login': 'luke', 'password': 'luke-Secret-9073',
        'employeeId': luke_emp.id},
    'francois': {'id': francois.id, 'login': 'francois',
        'password': 'francois-Pw-4819', 'employeeId': francois_emp.id},
    'sam': {'id': sam.id, 'login': 'sam', 'password': 'sam-Secret-2718',
        'employeeId': sam_emp.id},
    'olivia': {'id': olivia.id, 'login': 'olivia',
        'password': 'olivia-Secret-3141', 'employeeId': olivia_emp.id},
    'fiona': {'id': fiona.id, 'login': 'fiona', 'password': 'fiona-Secret-1618',
        'employeeId': fiona_emp.id},
    }

# --- opportunities -----------------------------------------------------------------------
def make_opp(description, party, employee, amount, state='opportunity', end=None):
    o = Opportunity(description=description, party=party, employee=employee,
        amount=Decimal(amount),
        start_date=TODAY - relativedelta(days=20),
        end_date=end or TODAY + relativedelta(days=40))
    o.save()
    if state == 'opportunity':
        o.click('opportunity')
    return o


opps = {
    'acmeRenewal': make_opp('Acme renewal', acme, sam_emp, '12000'),
    'acmeUpsell': make_opp('Acme upsell', acme, sam_emp, '4500', state='lead'),
    'globexPilot': make_opp('Globex pilot', globex, olivia_emp, '8000'),
    'initechDeal': make_opp('Initech rollout', initech, olivia_emp, '30000'),
    'globexLost': make_opp('Globex old tender', globex, olivia_emp, '2000'),
    'francoisDeal': make_opp('Initech extension', initech, francois_emp, '6000'),
    }
opps['globexLost'].click('lost')
out['opportunities'] = {k: v.id for k, v in opps.items()}

# --- a second company: its user sees only its own opportunities (Tryton's company rule) ---
eu_party = Party(name='Countersign Europe')
eu_party.save()
company2 = Company(party=eu_party, currency=usd)
company2.save()
out['company2Id'] = company2.id
# The admin works in the second company while seeding it (Tryton's company rules apply).
admin_user, = User.find([('login', '=', 'admin')])
admin_user.companies.append(Company(company2.id))
admin_user.company = Company(company2.id)
admin_user.save()
pconfig.get_config()._context = User.get_preferences(True, {})
claire_emp = Employee(party=make_party('Claire Continental', categories=[contact_cat]),
    company=company2)
claire_emp.save()
claire = make_user('claire', 'Claire Continental', 'claire-Pw-6093', claire_emp,
    [g_opportunity], 'claire@countersign.example', home=company2)
out['users']['claire'] = {'id': claire.id, 'login': 'claire',
    'password': 'claire-Pw-6093', 'employeeId': claire_emp.id}
eu_opps = {
    'euExpansion': make_opp('Europe expansion', globex, claire_emp, '15000'),
    'euParis': make_opp('Paris office fit-out', initech, claire_emp, '7000',
        state='lead'),
    }
out['company2Opportunities'] = {k: v.id for k, v in eu_opps.items()}
admin_user = User(admin_user.id)
admin_user.company = Company(company.id)
admin_user.save()
pconfig.get_config()._context = User.get_preferences(True, {})

# --- invoices: posted out-invoices, two overdue, one not yet due, one draft ---------------
def make_invoice(party, amount, invoice_date, post=True, description=''):
    inv = Invoice(type='out', party=party, payment_term=term,
        invoice_date=invoice_date, description=description)
    line = inv.lines.new()
    line.account = accounts['revenue']
    line.description = description or 'Services'
    line.quantity = 1
    line.unit_price = Decimal(amount)
    inv.save()
    Warning_(user=admin, name='invoice_payment_term_%d' % inv.id, always=True).save()
    if post:
        inv.click('post')
    return inv


# Invoices dated in the past raise a "payment date in the past" warning; the RPC layer drops
# _skip_warnings from the context, so acknowledge each warning the way the client does.
Warning_ = Model.get('res.user.warning')
admin, = User.find([('login', '=', 'admin')])
invoices = {
    'acmeOverdue': make_invoice(acme, '1250.00', TODAY - relativedelta(days=75),
        description='Acme Q2 licences'),
    'globexOverdue': make_invoice(globex, '980.50', TODAY - relativedelta(days=40),
        description='Globex support'),
    'initechCurrent': make_invoice(initech, '400.00', TODAY - relativedelta(days=5),
        description='Initech onboarding'),
    'acmeDraft': make_invoice(acme, '99.00', TODAY - relativedelta(days=90), post=False,
        description='Acme draft'),
    }
out['invoices'] = {k: v.id for k, v in invoices.items()}

# --- marketing automation ----------------------------------------------------------------
welcome = Scenario(name='Welcome new customers', model='party.party',
    domain=PYSONEncoder().encode([('categories', '=', None)]))
act = welcome.activities.new()
act.name = 'Send the welcome email'
act.action = 'send_email'
act.delay = datetime.timedelta(days=1)
act.email_title = 'Welcome to Countersign Demo Co'
act.email_template = '<p>Hello ${record.rec_name}, welcome aboard.</p>'
welcome.save()
winback = Scenario(name='Win back quiet customers', model='party.party',
    domain=PYSONEncoder().encode([('name', 'ilike', '%corp%')]))
act = winback.activities.new()
act.name = 'Send a win-back offer'
act.action = 'send_email'
act.delay = datetime.timedelta(days=30)
act.email_title = 'We miss you'
act.email_template = '<p>Here is 10% off your next order.</p>'
winback.save()
winback.click('run')
out['scenarios'] = {'welcome': welcome.id, 'winback': winback.id}

out['today'] = TODAY.isoformat()
sys.stdout.write('\n' + json.dumps(out) + '\n')
