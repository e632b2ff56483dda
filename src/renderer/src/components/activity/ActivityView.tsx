import { useCallback, useEffect, useRef, useState } from 'react'
import type { ActivityFilters, ActivityItem, ActivityOutcome, ActivityPage, ChainReportView } from '../../../../shared/activity'
import { errorMessage } from '../../api/errors'
import { formatDateTime } from '../../format'
import { useAppDispatch, useAppSelector } from '../../store/hooks'
import { ActivityEntry, type RecordFilter } from './ActivityEntry'
import { dayStart, formatTokens, formatUsd, monthName, outcomeWord } from './format'
import { exportActivity, fetchActivity, verifyTrail } from './requests'

const OUTCOMES: ActivityOutcome[] = ['succeeded', 'declined', 'expired', 'failed', 'outcome_unknown', 'superseded', 'cancelled', 'pending', 'refused', 'answered', 'error', 'stopped']
const DAY_MS = 86_400_000

type Chips = { record?: RecordFilter; conversation?: { id: string; title: string } }

/** Everything the assistant did for the signed-in person: newest first, paged, filtered, exportable. */
export function ActivityView() {
  const dispatch = useAppDispatch()
  const abilities = useAppSelector((s) => s.settings.view?.policy.map((p) => p.ability.name) ?? [])
  const [outcome, setOutcome] = useState<ActivityOutcome | ''>('')
  const [ability, setAbility] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [text, setText] = useState('')
  const [search, setSearch] = useState('')
  const [chips, setChips] = useState<Chips>({})
  const [page, setPage] = useState<ActivityPage | null>(null)
  const [items, setItems] = useState<ActivityItem[]>([])
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [chain, setChain] = useState<ChainReportView | 'checking' | { failed: string }>('checking')
  const request = useRef(0)

  const filters: ActivityFilters = {
    ...(outcome ? { outcome } : {}),
    ...(ability ? { ability } : {}),
    ...(chips.record ? { record: chips.record.key } : {}),
    ...(chips.conversation ? { conversationId: chips.conversation.id } : {}),
    ...(dayStart(from) !== undefined ? { from: dayStart(from) } : {}),
    // The "to" day is included: up to the next midnight.
    ...(dayStart(to) !== undefined ? { to: dayStart(to)! + DAY_MS } : {}),
    ...(search.trim() ? { text: search.trim() } : {})
  }
  const key = JSON.stringify(filters)

  const load = useCallback(
    async (cursor: string | null) => {
      const mine = ++request.current
      setLoading(true)
      setError(null)
      try {
        const result = await dispatch(fetchActivity({ filters: JSON.parse(key) as ActivityFilters, cursor })).unwrap()
        if (mine !== request.current) return
        setPage(result)
        setItems((prev) => (cursor ? [...prev, ...result.items] : result.items))
      } catch (e) {
        if (mine === request.current) setError(errorMessage(e))
      } finally {
        if (mine === request.current) setLoading(false)
      }
    },
    [dispatch, key]
  )

  useEffect(() => {
    void load(null)
  }, [load])

  // The chain is checked each time the screen opens, after (never before) the first page is asked for.
  useEffect(() => {
    dispatch(verifyTrail())
      .unwrap()
      .then(setChain, (e) => setChain({ failed: errorMessage(e) }))
  }, [dispatch])

  const download = async (format: 'csv' | 'jsonl') => {
    try {
      const file = await dispatch(exportActivity({ filters, format })).unwrap()
      const url = URL.createObjectURL(new Blob([file.content], { type: file.mime }))
      const a = document.createElement('a')
      a.href = url
      a.download = file.filename
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <section className="activity" aria-label="Activity" data-testid="activity-view">
      <header className="view-header">
        <h1 className="view-header__title">Activity</h1>
        <span className="muted">What the assistant was asked, what it did for you, and what it cost</span>
      </header>
      <div className="activity__scroll">
        <ChainStatus chain={chain} />

        <form
          className="activity-filters"
          onSubmit={(e) => {
            e.preventDefault()
            setSearch(text)
          }}
        >
          <label>
            Outcome
            <select data-testid="activity-filter-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as ActivityOutcome | '')}>
              <option value="">Any</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {outcomeWord(o)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Ability
            <select data-testid="activity-filter-ability" value={ability} onChange={(e) => setAbility(e.target.value)}>
              <option value="">Any</option>
              {abilities.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input type="date" data-testid="activity-filter-from" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            To
            <input type="date" data-testid="activity-filter-to" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <label className="activity-filters__search">
            Search
            <input type="search" data-testid="activity-search" value={text} placeholder="Words, names, reasons…" onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit" className="button button--small">
            Search
          </button>
        </form>

        {(chips.record || chips.conversation) && (
          <div className="activity-chips">
            {chips.record && (
              <span className="record-chip is-active" data-testid="activity-filter-chip">
                Everything the assistant did to {chips.record.label}
                <button type="button" aria-label="Clear" onClick={() => setChips((c) => ({ ...c, record: undefined }))}>
                  ✕
                </button>
              </span>
            )}
            {chips.conversation && (
              <span className="record-chip is-active" data-testid="activity-filter-chip">
                In “{chips.conversation.title}”
                <button type="button" aria-label="Clear" onClick={() => setChips((c) => ({ ...c, conversation: undefined }))}>
                  ✕
                </button>
              </span>
            )}
          </div>
        )}

        {page && (
          <div className="activity-totals" data-testid="activity-totals" data-requests={page.total.requests} data-usd={page.total.costUsd}>
            <p>
              <strong>{page.total.requests}</strong> request{page.total.requests === 1 ? '' : 's'} · {formatTokens(page.total.inputTokens, page.total.outputTokens)} ·{' '}
              {formatUsd(page.total.costUsd)}
              {page.total.unpricedSteps > 0 && <span className="muted"> (+ {page.total.unpricedSteps} model call{page.total.unpricedSteps === 1 ? '' : 's'} with no price: tokens only)</span>}
            </p>
            {page.months.length > 0 && (
              <ul className="activity-months" data-testid="activity-months">
                {page.months.map((m) => (
                  <li key={m.month} data-month={m.month}>
                    {monthName(m.month)}: {m.requests} request{m.requests === 1 ? '' : 's'}, {formatTokens(m.inputTokens, m.outputTokens)}, {formatUsd(m.costUsd)}
                  </li>
                ))}
              </ul>
            )}
            <div className="activity-export">
              <span className="muted small">Export what these filters show:</span>
              <button type="button" className="button button--small" data-testid="activity-export-csv" onClick={() => void download('csv')}>
                CSV
              </button>
              <button type="button" className="button button--small" data-testid="activity-export-jsonl" onClick={() => void download('jsonl')}>
                JSON Lines
              </button>
            </div>
          </div>
        )}

        {error && (
          <p className="inline-error" role="alert">
            Could not load the activity: {error}
          </p>
        )}
        {items.length === 0 && !loading && !error && (
          <div className="empty-state" data-testid="activity-empty">
            <p className="empty-state__title">Nothing here</p>
            <p className="muted">{key === '{}' ? 'When you ask the assistant something, it appears here.' : 'No activity matches these filters.'}</p>
          </div>
        )}
        <ul className="activity-list">
          {items.map((item) => (
            <ActivityEntry
              key={item.id}
              item={item}
              onRecord={(record) => setChips((c) => ({ ...c, record }))}
              onConversation={(id, title) => setChips((c) => ({ ...c, conversation: { id, title } }))}
            />
          ))}
        </ul>
        {loading && <p className="muted center">Loading…</p>}
        {page?.nextCursor && !loading && (
          <button type="button" className="button button--block" data-testid="activity-more" onClick={() => void load(page.nextCursor)}>
            Show older
          </button>
        )}
      </div>
    </section>
  )
}

function ChainStatus({ chain }: { chain: ChainReportView | 'checking' | { failed: string } }) {
  if (chain === 'checking') {
    return (
      <p className="activity-chain muted small" data-testid="activity-chain" data-state="checking">
        Checking the audit trail…
      </p>
    )
  }
  if ('failed' in chain) {
    return (
      <p className="activity-chain inline-error" data-testid="activity-chain" data-state="unknown" role="alert">
        The audit trail could not be checked: {chain.failed}
      </p>
    )
  }
  if (!chain.ok && chain.firstBreak) {
    const b = chain.firstBreak
    return (
      <div className="activity-chain activity-chain--broken" data-testid="activity-chain" data-state="broken" data-line={b.line} data-seq={b.seq ?? ''} role="alert">
        <strong>The audit trail has been altered.</strong> {b.message}
        {b.at !== null && <> The entry is dated {formatDateTime(b.at)}.</>} Entries before it check out; from there on, the trail cannot be trusted.
      </div>
    )
  }
  return (
    <p className="activity-chain muted small" data-testid="activity-chain" data-state="ok">
      ✓ Audit trail intact: {chain.entries.toLocaleString('en-US')} entries checked.
      {chain.unchained > 0 && (
        <>
          {' '}
          The {chain.unchained.toLocaleString('en-US')} oldest entries were written before the trail was chained: they are checked only as one block
          {chain.chainedSince !== null && <>, up to {formatDateTime(chain.chainedSince)}</>}.
        </>
      )}
      {chain.continuesFrom && <> Older entries are archived in {chain.continuesFrom.file}.</>}
      {chain.setAside > 0 && <> {chain.setAside} line{chain.setAside === 1 ? '' : 's'} cut short by a crash {chain.setAside === 1 ? 'was' : 'were'} set aside.</>}
    </p>
  )
}
