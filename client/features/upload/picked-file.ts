/**
 * A file the person dropped or chose, with its FileSystemFileHandle where the
 * browser gives one (Chromium's File System Access API), so that after a
 * reload the upload can be resumed from the handle without picking the file again.
 */

export interface PickedFile {
  readonly file: File;
  readonly handle: FileSystemFileHandle | null;
}

/** The parts of the File System Access API used here; not in TypeScript's DOM types yet. */
interface HandleWithPermission {
  queryPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
}
type ItemWithHandle = DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> };
type WindowWithPicker = Window & { showOpenFilePicker?(options: { multiple: boolean }): Promise<FileSystemFileHandle[]> };

export function withoutHandles(files: Iterable<File>): PickedFile[] {
  return [...files].map((file) => ({ file, handle: null }));
}

/**
 * The files of a drop with their handles. Must be called during the drop event:
 * the items (and their handles) are unreadable once the handler returns.
 */
export function pickedFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const items = [...transfer.items].filter((item) => item.kind === 'file');
  const pending = items.flatMap((item) => {
    const file = item.getAsFile();
    if (!file) return [];
    const getHandle = (item as ItemWithHandle).getAsFileSystemHandle;
    const handle = getHandle ? getHandle.call(item).then(asFileHandle, () => null) : Promise.resolve(null);
    return [handle.then((h) => ({ file, handle: h }))];
  });
  // Items can be empty for a synthetic drop; fall back to the file list.
  if (pending.length === 0) return Promise.resolve(withoutHandles(transfer.files));
  return Promise.all(pending);
}

/**
 * Opens the File System Access picker. Resolves with the chosen files, with []
 * when the person closed the picker, or with null when the picker cannot be
 * used here (so the caller falls back to an <input type=file>).
 */
export async function pickWithFilePicker(multiple: boolean, target: Window = window): Promise<PickedFile[] | null> {
  const picker = (target as WindowWithPicker).showOpenFilePicker;
  if (!picker) return null;
  let handles: FileSystemFileHandle[];
  try {
    handles = await picker.call(target, { multiple });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return [];
    return null; // e.g. SecurityError in a cross-origin frame
  }
  return Promise.all(handles.map(async (handle) => ({ file: await handle.getFile(), handle })));
}

/**
 * Reads a kept handle's file, asking for read permission when the browser
 * requires it again (call from a click so the prompt may show). Null when
 * permission is refused or the file is gone or unreadable.
 */
export async function readHandle(handle: FileSystemFileHandle): Promise<File | null> {
  const withPermission = handle as FileSystemFileHandle & HandleWithPermission;
  try {
    let state = (await withPermission.queryPermission?.({ mode: 'read' })) ?? 'granted';
    if (state === 'prompt') state = (await withPermission.requestPermission?.({ mode: 'read' })) ?? 'denied';
    if (state !== 'granted') return null;
    return await handle.getFile();
  } catch {
    return null;
  }
}

function asFileHandle(handle: FileSystemHandle | null | undefined): FileSystemFileHandle | null {
  return handle && handle.kind === 'file' ? (handle as FileSystemFileHandle) : null;
}
