/** Copies text with the async Clipboard API; throws a sentence for people if it is not allowed. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    throw new Error('Could not copy: this window is not allowed to use the clipboard.')
  }
}
