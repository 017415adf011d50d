// Next-edit suggestions in VS Code. The server predicts the edit you will make next and answers
// Copilot's `textDocument/copilotInlineEdit` with it; this provider shows that edit as ghost
// text when it changes the cursor's line in a way ghost text can show (the line keeps what is
// before the cursor). Every other suggested edit is in the light bulb as the server's code
// action "Apply suggested edit (line N)", which needs no code here.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';

const METHOD = 'textDocument/copilotInlineEdit';

type Position = { line: number; character: number };
type CopilotEdit = {
  range: { start: Position; end: Position };
  text: string;
  textDocument: { uri: string; version: number };
  command?: { title: string; command: string; arguments?: unknown[] };
};

/**
 * The edit as a whole-line replacement of the cursor's line, when it is one ghost text can show:
 * on that line only, and leaving the text before the cursor as it is.
 */
export function ghostText(
  line: string,
  cursor: number,
  edit: { start: number; end: number; text: string },
): { insertText: string; from: number; to: number } | undefined {
  const after = line.slice(0, edit.start) + edit.text + line.slice(edit.end);
  if (after === line || !after.startsWith(line.slice(0, cursor))) {
    return undefined;
  }
  return { insertText: after, from: 0, to: line.length };
}

export function registerNextEdits(getClient: () => LanguageClient | undefined): vscode.Disposable {
  const provider: vscode.InlineCompletionItemProvider = {
    async provideInlineCompletionItems(document, position, context, token) {
      const client = getClient();
      if (!client || !client.isRunning()) {
        return undefined;
      }
      const version = document.version;
      const params = {
        textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri), version },
        position: client.code2ProtocolConverter.asPosition(position),
        context: { triggerKind: context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic ? 2 : 1 },
      };
      let result: { edits?: CopilotEdit[] } | undefined;
      try {
        result = await client.sendRequest(METHOD, params, token);
      } catch {
        return undefined; // cancelled by the next keystroke, or an older server
      }
      const edit = result?.edits?.[0];
      if (!edit || token.isCancellationRequested || document.version !== version
        || edit.textDocument.version !== version) {
        return undefined;
      }
      const range = client.protocol2CodeConverter.asRange(edit.range);
      if (range.start.line !== position.line || range.end.line !== position.line) {
        return undefined; // elsewhere: the light bulb offers it
      }
      const line = document.lineAt(position.line).text;
      const shown = ghostText(line, position.character, {
        start: range.start.character,
        end: range.end.character,
        text: edit.text,
      });
      if (!shown) {
        return undefined;
      }
      const item = new vscode.InlineCompletionItem(
        shown.insertText,
        new vscode.Range(position.line, shown.from, position.line, shown.to),
      );
      if (edit.command) {
        item.command = {
          title: edit.command.title,
          command: edit.command.command,
          arguments: edit.command.arguments ?? [],
        };
      }
      return [item];
    },
  };
  return vscode.languages.registerInlineCompletionItemProvider(
    [{ scheme: 'file' }, { scheme: 'untitled' }],
    provider,
  );
}
