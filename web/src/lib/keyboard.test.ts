import { describe, expect, it } from 'vitest';
import { isEditable, isSendShortcut, moveIndex, shortcutFor } from './keyboard.ts';

describe('shortcutFor', () => {
  it('maps single keys outside text fields', () => {
    expect(['j', 'k', 'Enter', 'r', 'n', 'e', 'a', '?'].map((key) => shortcutFor({ key }))).toEqual(['next', 'prev', 'open', 'reply', 'note', 'resolve', 'assign', 'help']);
    expect(shortcutFor({ key: 'q' })).toBeNull();
  });
  it('x selects the row under the cursor; / and Ctrl+K (also in a field) focus the search', () => {
    expect(shortcutFor({ key: 'x' })).toBe('select');
    expect(shortcutFor({ key: 'x', inField: true })).toBeNull();
    expect(shortcutFor({ key: '/' })).toBe('search');
    expect(shortcutFor({ key: '/', inField: true })).toBeNull();
    expect(shortcutFor({ key: 'k', ctrlKey: true, inField: true })).toBe('search');
    expect(shortcutFor({ key: 'K', metaKey: true })).toBe('search');
  });
  it('ignores keys typed into fields and modified keys', () => {
    expect(shortcutFor({ key: 'j', inField: true })).toBeNull();
    expect(shortcutFor({ key: 'r', ctrlKey: true })).toBeNull();
    expect(shortcutFor({ key: 'e', metaKey: true })).toBeNull();
  });
  it('Escape closes everywhere', () => expect(shortcutFor({ key: 'Escape', inField: true })).toBe('close'));
});

describe('isSendShortcut', () => {
  it('is Ctrl+Enter or Cmd+Enter', () => {
    expect(isSendShortcut({ key: 'Enter', ctrlKey: true })).toBe(true);
    expect(isSendShortcut({ key: 'Enter', metaKey: true })).toBe(true);
    expect(isSendShortcut({ key: 'Enter' })).toBe(false);
  });
});

describe('isEditable', () => {
  it('recognises form fields and contenteditable', () => {
    expect(isEditable({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isEditable({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isEditable({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isEditable(null)).toBe(false);
  });
});

describe('moveIndex', () => {
  it('moves within bounds', () => {
    expect(moveIndex(-1, 3, 1)).toBe(0);
    expect(moveIndex(-1, 3, -1)).toBe(2);
    expect(moveIndex(0, 3, -1)).toBe(0);
    expect(moveIndex(2, 3, 1)).toBe(2);
    expect(moveIndex(1, 3, 1)).toBe(2);
    expect(moveIndex(0, 0, 1)).toBe(-1);
  });
});
