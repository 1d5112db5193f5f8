import * as vscode from 'vscode';
import { skippedDirectoriesGlob, walkGlob, type DirectoryEntry, type ReadDirectory, type WalkLimits } from '../core/glob';

/** VS Code's file search as the extension calls it: an include glob and an exclude glob. */
export type FindFiles = (include: string, exclude: string) => Thenable<readonly vscode.Uri[]>;

/** Finds workspace files by glob; what the sample store and the workspace validation search with. */
export interface FileFinder {
  find(glob: string): Promise<vscode.Uri[]>;
}

/** Bounds of the walk that stands in for a failed file search, per workspace folder. */
export const FALLBACK_LIMITS: WalkLimits = { maxDepth: 12, maxEntries: 20_000 };

/** What a file search needs besides the search itself. */
export interface FileSearchDeps {
  /** The file search; `vscode.workspace.findFiles` unless given. */
  readonly findFiles?: FindFiles;
  /** Where the fallback is reported, once. */
  readonly log: { warn(message: string): void };
  /** Shows the one warning notification; `vscode.window.showWarningMessage` unless given. */
  readonly notify?: (message: string) => void;
  /** Bounds of the fallback walk; `FALLBACK_LIMITS` unless given. */
  readonly limits?: WalkLimits;
}

/** Lists directories below `root` through `vscode.workspace.fs`; linked directories are not entered. */
export function workspaceDirectoryReader(root: vscode.Uri): ReadDirectory {
  return async (path) => {
    const dir = path === '' ? root : vscode.Uri.joinPath(root, ...path.split('/'));
    const entries = await vscode.workspace.fs.readDirectory(dir);
    return entries.map(([name, type]): DirectoryEntry => {
      if (type & vscode.FileType.SymbolicLink && type & vscode.FileType.Directory) return { name, kind: 'other' };
      if (type & vscode.FileType.Directory) return { name, kind: 'directory' };
      if (type & vscode.FileType.File) return { name, kind: 'file' };
      return { name, kind: 'other' };
    });
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Finds workspace files by glob, leaving out the directories the CLI leaves out too (`SKIPPED_DIRECTORIES`).
 * When VS Code's file search fails, as it does where no file-search provider runs (some remote and virtual
 * workspaces), the files are found by walking the workspace folders with `vscode.workspace.fs` instead,
 * within `FALLBACK_LIMITS`; the log and a notification say so once.
 */
export class WorkspaceFileSearch implements FileFinder {
  private reported = false;

  constructor(private readonly deps: FileSearchDeps) {}

  /** The files of every workspace folder matching `glob` (relative to each folder). Never rejects. */
  async find(glob: string): Promise<vscode.Uri[]> {
    const findFiles = this.deps.findFiles ?? ((include: string, exclude: string) => vscode.workspace.findFiles(include, exclude));
    try {
      return [...(await findFiles(glob, skippedDirectoriesGlob(glob)))];
    } catch (error) {
      return this.walk(glob, error);
    }
  }

  private async walk(glob: string, cause: unknown): Promise<vscode.Uri[]> {
    const limits = this.deps.limits ?? FALLBACK_LIMITS;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const walks = await Promise.all(
      folders.map(async (folder) => {
        try {
          return { folder, ...(await walkGlob(workspaceDirectoryReader(folder.uri), glob, limits)) };
        } catch {
          return { folder, files: [] as string[], truncated: undefined };
        }
      }),
    );
    const stopped = walks.filter((w) => w.truncated).map((w) => w.folder.name);
    if (!this.reported) {
      this.reported = true;
      const bound = `at most ${limits.maxDepth} folder levels and ${limits.maxEntries} entries per workspace folder`;
      const cut = stopped.length > 0 ? ` The walk stopped at that bound in ${stopped.join(', ')}; files beyond it are not found.` : '';
      this.deps.log.warn(
        `The workspace file search failed (${messageOf(cause)}); finding "${glob}" by walking the workspace folders instead (${bound}).${cut}`,
      );
      const notify = this.deps.notify ?? ((message: string) => void vscode.window.showWarningMessage(message));
      notify(
        'Webhook Studio: the workspace file search is not available here, so sample and action files are found by walking the workspace folders. See the Webhook Studio log for details.',
      );
    }
    return walks.flatMap((w) => w.files.map((path) => vscode.Uri.joinPath(w.folder.uri, ...path.split('/'))));
  }
}
