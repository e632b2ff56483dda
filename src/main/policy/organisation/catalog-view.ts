// The catalog as the model sees it: abilities an administrator switched off are left out of the
// tool set, while `get` still finds them so a call the model makes anyway reaches the gate and is
// refused with the administrator's reason rather than "no such tool".
import { AbilityCatalog } from '../../abilities/catalog'
import type { Ability } from '../../abilities/types'

export class EnabledAbilityCatalog extends AbilityCatalog {
  constructor(
    private readonly all: AbilityCatalog,
    private readonly enabled: (abilities: Ability<any>[]) => Ability<any>[]
  ) {
    super([])
  }

  override get(name: string): Ability<any> | undefined {
    return this.all.get(name)
  }

  override list(): Ability<any>[] {
    return this.enabled(this.all.list())
  }
}
