import type { AbilityInfo } from '../../shared/domain'
import type { Ability } from './types'

export class AbilityCatalog {
  private readonly byName: Map<string, Ability<any>>

  constructor(abilities: Ability<any>[]) {
    this.byName = new Map(abilities.map((a) => [a.name, a]))
  }

  get(name: string): Ability<any> | undefined {
    return this.byName.get(name)
  }

  list(): Ability<any>[] {
    return [...this.byName.values()]
  }

  info(): AbilityInfo[] {
    return this.list().map((a) => ({ name: a.name, title: a.title, effect: a.effect, description: a.description, summary: a.summary }))
  }
}
