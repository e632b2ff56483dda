import { describe, expect, it } from 'vitest'
import { action } from '../test/fixtures'
import { createFakeApi } from '../test/fakeApi'
import { setup } from '../test/render'
import { waitingTotalChanged } from '../store/inboxSlice'
import { REMINDER_MS, startBrowserAttention, type AttentionEnv } from './attention'

function fakeEnv(permission = 'granted') {
  const shown: string[] = []
  let tick: () => void = () => {}
  const env: AttentionEnv & { hidden: boolean } = {
    hidden: true,
    document: {
      title: 'Countersign',
      get hidden() {
        return env.hidden
      }
    },
    Notification: class {
      static permission = permission
      onclick = null
      constructor(title: string, options?: { body?: string }) {
        shown.push(`${title}: ${options?.body}`)
      }
      close() {}
    },
    focusWindow: () => {},
    now: () => Date.now(),
    setInterval: (fn) => {
      tick = fn
      return 1
    },
    clearInterval: () => {}
  }
  return { env, shown, tick: () => tick() }
}

describe('browser tab attention', () => {
  it('counts what waits in the title and rings once per newly waiting action, only while hidden', () => {
    const { fake, store } = setup(createFakeApi())
    const { env, shown } = fakeEnv()
    const stop = startBrowserAttention(store, fake.api, env)
    store.dispatch(waitingTotalChanged(3))
    expect(env.document.title).toBe('(3) Countersign')
    fake.emit('action.changed', action({ id: 'a1' }))
    fake.emit('action.changed', action({ id: 'a1' }))
    expect(shown).toHaveLength(1)
    env.hidden = false
    fake.emit('action.changed', action({ id: 'a2' }))
    expect(shown).toHaveLength(1)
    store.dispatch(waitingTotalChanged(0))
    expect(env.document.title).toBe('Countersign')
    stop()
  })

  it('reminds once when a waiting action has about two hours left', () => {
    const { fake, store } = setup(createFakeApi())
    const { env, shown, tick } = fakeEnv()
    startBrowserAttention(store, fake.api, env)
    store.dispatch({ type: 'actions/actionsLoaded', payload: [action({ id: 'soon', expiresAt: Date.now() + REMINDER_MS - 60_000 }), action({ id: 'later' })] })
    tick()
    tick()
    expect(shown).toEqual([expect.stringMatching(/^About two hours left to approve/)])
  })

  it('without the permission nothing is shown, but the title still counts', () => {
    const { fake, store } = setup(createFakeApi())
    const { env, shown } = fakeEnv('default')
    startBrowserAttention(store, fake.api, env)
    store.dispatch(waitingTotalChanged(1))
    fake.emit('action.changed', action({ id: 'a1' }))
    expect(shown).toEqual([])
    expect(env.document.title).toBe('(1) Countersign')
  })
})
