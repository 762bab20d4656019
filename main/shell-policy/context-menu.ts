// The right-click menu of the chat window: spelling suggestions for a misspelt word (spellcheck
// is on, and without this menu nothing offers the corrections), then the edit actions the
// context allows. A model only; main/context-menu.ts turns it into Electron's Menu.
export interface ContextMenuParams {
  misspelledWord: string;
  dictionarySuggestions: string[];
  isEditable: boolean;
  selectionText: string;
  linkURL: string;
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
}

export type ContextMenuItem =
  | { kind: 'suggestion'; label: string }
  | { kind: 'learn'; label: string; word: string }
  | { kind: 'role'; role: 'cut' | 'copy' | 'paste' | 'selectAll'; label: string; enabled: boolean }
  | { kind: 'copy-link'; label: string; url: string }
  | { kind: 'separator' };

const MAX_SUGGESTIONS = 5;

export function contextMenuModel(p: ContextMenuParams): ContextMenuItem[] {
  const items: ContextMenuItem[] = [];
  if (p.isEditable && p.misspelledWord) {
    const suggestions = p.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    for (const s of suggestions) items.push({ kind: 'suggestion', label: s });
    items.push({ kind: 'learn', label: 'Add to dictionary', word: p.misspelledWord });
    items.push({ kind: 'separator' });
  }
  if (p.linkURL && /^(https?|mailto):/i.test(p.linkURL)) {
    items.push({ kind: 'copy-link', label: 'Copy link', url: p.linkURL });
    items.push({ kind: 'separator' });
  }
  if (p.isEditable) {
    items.push({ kind: 'role', role: 'cut', label: 'Cut', enabled: p.editFlags.canCut });
    items.push({ kind: 'role', role: 'copy', label: 'Copy', enabled: p.editFlags.canCopy });
    items.push({ kind: 'role', role: 'paste', label: 'Paste', enabled: p.editFlags.canPaste });
    items.push({ kind: 'separator' });
    items.push({ kind: 'role', role: 'selectAll', label: 'Select all', enabled: p.editFlags.canSelectAll });
  } else if (p.selectionText.trim()) {
    items.push({ kind: 'role', role: 'copy', label: 'Copy', enabled: true });
  }
  while (items.at(-1)?.kind === 'separator') items.pop();
  return items;
}
