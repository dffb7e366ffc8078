/**
 * Playwright cannot answer Chromium's File System Access picker
 * (microsoft/playwright#8850: the call is aborted and no 'filechooser' event
 * fires), so pages that choose files through the UI get the app's
 * <input type=file> fallback, as in browsers without the picker.
 * Pass to addInitScript: it runs in the page.
 */
export function withoutFilePicker(): void {
  Object.defineProperty(window, 'showOpenFilePicker', { value: undefined, configurable: true, writable: true });
}
