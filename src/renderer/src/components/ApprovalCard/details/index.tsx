import type { ActionState, CardDetail as Detail } from '../../../../../shared/domain'
import { AutomationDetail } from './AutomationDetail'
import { CreateDetail } from './CreateDetail'
import { MessageDetail } from './MessageDetail'
import { ReadDetail } from './ReadDetail'
import { UpdateDetail } from './UpdateDetail'

export function CardDetail({ detail, state }: { detail: Detail; state: ActionState }) {
  switch (detail.kind) {
    case 'update':
      return <UpdateDetail detail={detail} state={state} />
    case 'create':
      return <CreateDetail detail={detail} />
    case 'message':
      return <MessageDetail detail={detail} />
    case 'automation':
      return <AutomationDetail detail={detail} />
    case 'read':
      return <ReadDetail detail={detail} />
  }
}
