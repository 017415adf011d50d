// vc-lsp for VS Code: starts the `vc-lsp` language server over stdio and adds commands for its
// code actions. Inline completions need no code here: vscode-languageclient registers an inline
// completion provider as soon as the server advertises textDocument/inlineCompletion.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ConfigurationParams,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  LSPErrorCodes,
  ResponseError,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { registerNextEdits } from './nextEdit';

const SECTION = 'vcLsp';

/** The server's didChangeStatus (Copilot's shape, plus vc-lsp's state, command and uri). */
type ServerStatus = {
  kind: 'Normal' | 'Warning' | 'Error' | 'Inactive';
  message: string;
  busy?: boolean;
  state?: string;
  command?: { title: string; command: string; arguments?: unknown[] };
  uri?: string;
};

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let serverStatus: ServerStatus | undefined;
/** Dotted keys of the server's settings ("inline.maxLines"), read from package.json. */
let serverKeys: string[] = [];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const categories = context.extension.packageJSON.contributes.configuration as Array<{
    properties: Record<string, unknown>;
  }>;
  serverKeys = Object.keys(categories[0].properties).map((k) => k.slice(SECTION.length + 1));

  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = 'vcLsp.showLog';
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand('vcLsp.explain', explain),
    vscode.commands.registerCommand('vcLsp.edit', edit),
    vscode.commands.registerCommand('vcLsp.fix', fix),
    vscode.commands.registerCommand('vcLsp.cancel', () => onDocument('vc.cancel')),
    vscode.commands.registerCommand('vcLsp.revert', () => onDocument('vc.revert')),
    vscode.commands.registerCommand('vcLsp.doctor', doctor),
    vscode.commands.registerCommand('vcLsp.restart', restart),
    vscode.commands.registerCommand('vcLsp.showLog', () => client?.outputChannel.show()),
    vscode.commands.registerCommand('vcLsp.why', () => onDocument('vc.why')),
    vscode.commands.registerCommand('vcLsp.usage', usage),
    vscode.window.onDidChangeActiveTextEditor(() => showStatus()),
    registerNextEdits(() => client), // next-edit suggestions on the cursor's line (nextEdit.ts)
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        await restart();
      } else if (event.affectsConfiguration(SECTION) && client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: serverSettings() },
        });
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/**
 * The server settings the user has set (not VS Code's defaults, so the server's environment
 * variables VC_LSP_BASE_URL and VC_LSP_MODEL still apply when a key is left alone), nested as
 * the server reads them: { inline: { maxLines: 8 } }.
 */
function serverSettings(scope?: vscode.Uri): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of serverKeys) {
    const seen = config.inspect(key);
    // Where the key goes (baseUrl) and which key (apiKeyEnv): the user's settings only, never
    // a workspace's, so a repository cannot route the key elsewhere.
    const value = MACHINE_KEYS.has(key) ? seen?.globalValue
      : seen?.workspaceFolderValue ?? seen?.workspaceValue ?? seen?.globalValue;
    if (value === undefined || value === null) {
      continue;
    }
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out;
}

const MACHINE_KEYS = new Set(['baseUrl', 'apiKeyEnv']);

/** The server command: from user settings only (a workspace must not choose what runs). */
function serverCommand(): { command: string; args: string[] } {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    command: config.inspect<string>('server.path')?.globalValue || 'vc-lsp',
    args: config.inspect<string[]>('server.args')?.globalValue ?? [],
  };
}

/**
 * The server's environment: the endpoint and key variable from user settings also go in as
 * VC_LSP_BASE_URL / VC_LSP_API_KEY_ENV, which the server trusts with the key (settings that
 * arrive through the editor could come from a workspace, so they get no key on their own).
 */
function serverEnv(): NodeJS.ProcessEnv {
  const config = vscode.workspace.getConfiguration(SECTION);
  const env: NodeJS.ProcessEnv = { ...process.env };
  const baseUrl = config.inspect<string>('baseUrl')?.globalValue;
  const apiKeyEnv = config.inspect<string>('apiKeyEnv')?.globalValue;
  if (baseUrl) {
    env.VC_LSP_BASE_URL = baseUrl;
  }
  if (apiKeyEnv) {
    env.VC_LSP_API_KEY_ENV = apiKeyEnv;
  }
  return env;
}

async function start(): Promise<void> {
  const { command, args } = serverCommand();
  const serverOptions: ServerOptions = {
    command, args, transport: TransportKind.stdio, options: { env: serverEnv() },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    initializationOptions: { [SECTION]: serverSettings() },
    outputChannelName: 'vc-lsp',
    middleware: {
      workspace: {
        // Answer the server's workspace/configuration pull with the same explicit settings.
        configuration: async (params: ConfigurationParams, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) {
            return answer;
          }
          return params.items.map((item, i) =>
            item.section === SECTION
              ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : answer[i],
          );
        },
      },
    },
  };
  const created = new LanguageClient('vcLsp', 'vc-lsp', serverOptions, clientOptions);
  client = created;
  created.onDidChangeState((event) => showState(event.newState));
  created.onNotification('didChangeStatus', (params: ServerStatus) => {
    serverStatus = params;
    showStatus();
  });
  showState(State.Starting);
  try {
    await created.start();
  } catch (err) {
    showState(State.Stopped);
    const choice = await vscode.window.showErrorMessage(
      `vc-lsp: could not start "${command}" (${String(err)}). Install it (pipx install vc-lsp) `
        + 'or set "vcLsp.server.path" to its full path.',
      'Open Settings',
      'Show Log',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'vcLsp.server.path');
    } else if (choice === 'Show Log') {
      created.outputChannel.show();
    }
  }
}

async function restart(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    await old.stop().catch(() => undefined);
    await old.dispose().catch(() => undefined);
  }
  await start();
}

function showState(state: State): void {
  const words: Record<State, string> = {
    [State.Running]: 'running',
    [State.Starting]: 'starting',
    [State.Stopped]: 'stopped',
    [State.StartFailed]: 'failed to start',
  };
  const down = state === State.Stopped || state === State.StartFailed;
  if (down || state === State.Starting) {
    serverStatus = undefined;
  }
  status.text = down ? '$(warning) vc-lsp' : '$(sparkle) vc-lsp';
  status.tooltip = `vc-lsp server ${words[state]}: click for the log`;
  status.command = 'vcLsp.showLog';
  status.backgroundColor = undefined;
  status.show();
  if (!down) {
    showStatus();
  }
}

/**
 * The server's status in the status bar item: `vc-lsp` when all is well (spinning while a
 * request is in flight), otherwise what is wrong and what to do, in the warning or error
 * colours; clicking it runs the status's command (vc.why: why no suggestion) or shows the log.
 * "Off for this file" shows only while that file is in the editor.
 */
function showStatus(): void {
  const s = serverStatus;
  if (!s || !client?.isRunning()) {
    return;
  }
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  const other = s.uri !== undefined && active !== undefined && s.uri !== active;
  const normal = s.kind === 'Normal' || other;
  const icons: Record<ServerStatus['kind'], string> = {
    Normal: '$(sparkle)', Warning: '$(warning)', Error: '$(error)', Inactive: '$(circle-slash)',
  };
  const icon = s.busy ? '$(loading~spin)' : normal ? icons.Normal : icons[s.kind] ?? '$(info)';
  status.text = normal ? `${icon} vc-lsp` : `${icon} vc-lsp: ${s.message}`;
  status.tooltip = `vc-lsp: ${s.message}` + (s.command ? ` (click: ${s.command.title})` : '');
  status.backgroundColor = normal ? undefined : s.kind === 'Error'
    ? new vscode.ThemeColor('statusBarItem.errorBackground')
    : s.kind === 'Warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  status.command = s.command && !normal
    ? { title: s.command.title, command: s.command.command, arguments: s.command.arguments ?? [] }
    : 'vcLsp.showLog';
  status.show();
}

/** vc.usage: today's requests, tokens and cost, in one message. */
async function usage(): Promise<void> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('vc-lsp: the server is not running; see "vc-lsp: Show Log".');
    return;
  }
  await execute(client, 'vc.usage', {});
}

type Target = { editor: vscode.TextEditor; client: LanguageClient; uri: string };

function target(): Target | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('vc-lsp: open a file first.');
    return undefined;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('vc-lsp: the server is not running; see "vc-lsp: Show Log".');
    return undefined;
  }
  return { editor, client, uri: client.code2ProtocolConverter.asUri(editor.document.uri) };
}

/** workspace/executeCommand with one argument object; errors become one message. */
async function execute(c: LanguageClient, command: string, argument: object): Promise<void> {
  const known = c.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!known.includes(command)) {
    void vscode.window.showWarningMessage(`vc-lsp: this server has no ${command} command; update vc-lsp.`);
    return;
  }
  try {
    await c.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });
  } catch (err) {
    if (err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled) {
      return;
    }
    void vscode.window.showErrorMessage(`vc-lsp: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The selection, or an empty range at the cursor (the server then takes the enclosing block). */
function selection(t: Target): object {
  return t.client.code2ProtocolConverter.asRange(t.editor.selection);
}

async function explain(): Promise<void> {
  const t = target();
  if (t) {
    await execute(t.client, 'vc.explain', { uri: t.uri, range: selection(t) });
  }
}

async function edit(): Promise<void> {
  const t = target(); // taken before the input box, which moves the focus
  if (!t) {
    return;
  }
  const range = selection(t);
  const instruction = await vscode.window.showInputBox({
    title: 'vc-lsp: Edit',
    prompt: t.editor.selection.isEmpty ? 'How should the code here change?' : 'How should the selection change?',
    placeHolder: 'e.g. make this async, add error handling, use a dataclass',
    ignoreFocusOut: true,
  });
  if (instruction && instruction.trim()) {
    await execute(t.client, 'vc.edit', { uri: t.uri, range, instruction: instruction.trim() });
  }
}

async function fix(): Promise<void> {
  const t = target();
  if (!t) {
    return;
  }
  const sel = t.editor.selection;
  const range = sel.isEmpty ? t.editor.document.lineAt(sel.active.line).range : sel;
  const problems = vscode.languages
    .getDiagnostics(t.editor.document.uri)
    .filter((d) => d.range.intersection(range) !== undefined);
  await execute(t.client, 'vc.fix', {
    uri: t.uri,
    range: t.client.code2ProtocolConverter.asRange(range),
    diagnostics: await t.client.code2ProtocolConverter.asDiagnostics(problems),
  });
}

async function onDocument(command: string): Promise<void> {
  const t = target();
  if (t) {
    await execute(t.client, command, { uri: t.uri });
  }
}

/** `vc-lsp doctor` in a terminal, with the settings this editor sends to the server. */
function doctor(): void {
  const { command, args } = serverCommand();
  const settings = serverSettings();
  const shellArgs = [...args, 'doctor'];
  if (Object.keys(settings).length) {
    const file = path.join(os.tmpdir(), `vc-lsp-settings-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ [SECTION]: settings }, null, 2));
    shellArgs.push('--settings', file);
  }
  vscode.window.createTerminal({ name: 'vc-lsp doctor', shellPath: command, shellArgs }).show();
}
