//! Zed dev extension for vc-lsp: finds `vc-lsp` on the project's PATH (or `lsp.vc-lsp.binary`)
//! and passes `lsp.vc-lsp.initialization_options` and `lsp.vc-lsp.settings` to it.
use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

struct VcLsp;

impl zed::Extension for VcLsp {
    fn new() -> Self {
        VcLsp
    }

    fn language_server_command(
        &mut self,
        server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let args = binary.as_ref().and_then(|b| b.arguments.clone()).unwrap_or_default();
        let command = binary
            .and_then(|b| b.path)
            .or_else(|| worktree.which("vc-lsp"))
            .ok_or("vc-lsp is not on PATH: `pipx install vc-lsp`, or set lsp.vc-lsp.binary.path")?;
        Ok(zed::Command { command, args, env: worktree.shell_env() })
    }

    fn language_server_initialization_options(
        &mut self,
        server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.settings))
    }
}

zed::register_extension!(VcLsp);
