"""What must never be sent: excluded files, git-ignored context, secrets in any prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from vc_lsp.privacy import Paths, Redaction, redact

EXCLUDED = [".env", ".env.local", "config/.env.production", "deploy/prod.env", "server.pem",
            "tls/private.key", "id_rsa", "id_rsa.pub", "home/.ssh/config", "id_ed25519",
            "cert.p12", "store.pfx", "vault.kdbx", "secrets.yaml", "app/secrets.json",
            "credentials", "credentials.json", "gcp-credentials.json", ".npmrc", ".pypirc",
            ".netrc", ".git-credentials", "terraform.tfstate", "prod.tfvars",
            ".docker/config.json", ".aws/credentials", ".kube/config", ".pgpass"]
ALLOWED = ["app/env.py", "src/credentials/manager.py", "docs/secret_sharing.md", "keys.py",
           "src/environment.ts", "README.md", "pem_reader.go", "src/secret_santa.rs",
           "config/settings.toml"]


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    (tmp_path / ".git").mkdir()
    return Paths(lambda: [str(tmp_path)])


@pytest.mark.parametrize("rel", EXCLUDED)
def test_files_that_hold_secrets_are_excluded_by_default(paths: Paths, tmp_path: Path,
                                                         rel: str) -> None:
    assert paths.excluded(str(tmp_path / rel)) is not None


@pytest.mark.parametrize("rel", ALLOWED)
def test_ordinary_code_is_not_excluded(paths: Paths, tmp_path: Path, rel: str) -> None:
    assert paths.excluded(str(tmp_path / rel)) is None


def test_user_globs_add_and_a_negation_brings_a_default_back(paths: Paths,
                                                             tmp_path: Path) -> None:
    assert paths.configure(["generated/", "*.sql", "!.env.example"])
    assert paths.excluded(str(tmp_path / "generated/api.py")) == "generated/"
    assert paths.excluded(str(tmp_path / "db/schema.sql")) == "*.sql"
    assert paths.excluded(str(tmp_path / ".env.example")) is None
    assert paths.excluded(str(tmp_path / ".env")) is not None
    assert not paths.configure(["generated/", "*.sql", "!.env.example"])  # unchanged


def test_gitignored_files_follow_every_gitignore_down_the_tree(paths: Paths,
                                                               tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("build/\n*.log\n!keep.log\n")
    (tmp_path / "web").mkdir()
    (tmp_path / "web/.gitignore").write_text("dist/\nlocal.ts\n")
    (tmp_path / ".git/info").mkdir()
    (tmp_path / ".git/info/exclude").write_text("scratch.py\n")
    ignored = ["build/x.py", "a/b/app.log", "web/dist/main.js", "web/local.ts",
               "scratch.py", "node_modules/pkg/index.js"]
    kept = ["keep.log", "web/app.ts", "local.ts", "src/build.py"]
    for rel in ignored:
        assert paths.ignored(str(tmp_path / rel)), rel
    for rel in kept:
        assert not paths.ignored(str(tmp_path / rel)), rel


def test_shown_paths_are_below_the_workspace_root(paths: Paths, tmp_path: Path) -> None:
    assert paths.relative(str(tmp_path / "src/app/models.py")) == "src/app/models.py"
    outside = tmp_path.parent / "elsewhere" / "tool.py"
    assert paths.relative(str(outside)) == "tool.py"


SECRETS = [
    ('AWS_ACCESS_KEY_ID = "{}"', "AKIAIOSFODNN7EXAMPLE"),
    ('aws_secret_access_key = "{}"', "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ('token = "{}"', "ghp_" + "0123456789abcdefghijklmnopqrstuvwxyz"),
    ("GITHUB_TOKEN={}", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"),
    ('client = OpenAI(api_key="{}")', "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"),
    ("DEEPSEEK_API_KEY={}", "sk-0123456789abcdef0123456789abcdef"),
    ('anthropic = "{}"', "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"),
    ('SLACK_BOT = "{}"', "xoxb-123456789012-1234567890123-abcdefghijABCDEFGHIJklmn"),
    ("hook = '{}'", "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijkl"),
    ('auth = "{}"', "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
                    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ('password = "{}"', "hunter2-Very-Secret"),
    ("const db = {{ password: '{}' }};", "Tr0ub4dor&3"),
    ('Password := "{}"', "p4ssw0rd!"),
    ('"client_secret": "{}"', "a1b2c3d4e5f6g7h8"),
    ('url = "postgres://admin:{}@db:5432/app"', "s3cretpw"),
    ('headers = {{"Authorization": "Bearer {}"}}', "abcdefghijklmnop1234567890"),
    ('stripe = "{}"', "sk_live_" + "a" * 24),
    ('google = "{}"', "AIza" + "B" * 35),
]


@pytest.mark.parametrize(("template", "secret"), SECRETS)
def test_secrets_are_replaced_by_a_placeholder(template: str, secret: str) -> None:
    text = "def setup():\n    " + template.format(secret) + "\n    return None\n"
    out = redact(text)
    assert secret not in out and "<secret-1>" in out
    assert out.startswith("def setup():\n    ") and out.endswith("\n    return None\n")


def test_private_key_blocks_lose_their_body_even_when_cut() -> None:
    body = "MIIEowIBAAKCAQEA7bq98VZpXf3\nqH2nXWw1c0sJkL9m4Ty8\n"
    block = f"-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n"
    out = redact(f"KEY = '''\n{block}'''\n")
    assert "MIIEow" not in out and "BEGIN RSA PRIVATE KEY" in out
    head, tail = block[:50], block[50:]
    assert "qH2nXWw1" not in redact(head) + redact(tail)
    assert "MIIEow" not in redact(head)


CODE = [
    "def password_hash(password: str) -> str:\n    return sha256(password.encode()).hexdigest()",
    "password = get_password()",
    'sha = "3f786850e387550fdab836ed7e6dc881de23001b"',
    'label = "Password"\nprompt_password = "Enter your password"\ntoken_type = "bearer"',
    'import sklearn\nx = "sk-learn"\nclass_name = "sk-button-primary-large-variant"',
    'TOKEN_KEY = "auth_token"\nif token == "": pass\nparser.add_argument("--token", help="x")',
    'uuid = "123e4567-e89b-12d3-a456-426614174000"',
    'api_key = os.environ["API_KEY"]\nsecret = "${SECRET}"',
    "cache_key = f'user:{user_id}'\nsort_key = 'name'",
]


@pytest.mark.parametrize("code", CODE)
def test_ordinary_code_is_left_alone(code: str) -> None:
    assert redact(code) == code


def test_placeholders_are_numbered_per_request_and_put_back() -> None:
    r = Redaction()
    first = r.text('a = "sk-0123456789abcdef0123456789ab"\npassword = "zz-top-99"')
    again = r.text('b = "sk-0123456789abcdef0123456789ab"')
    assert first == 'a = "<secret-1>"\npassword = "<secret-2>"' and again == 'b = "<secret-1>"'
    assert r.restore('x = "<secret-2>" + "<secret-9>"') == 'x = "zz-top-99" + "<secret-9>"'


def test_bare_values_in_configuration_files() -> None:
    text = "DB_PASSWORD=hunter2x\napi_token: abcd1234efgh\nname: service\n"
    out = redact(text, config=True)
    assert "hunter2x" not in out and "abcd1234efgh" not in out and "name: service" in out
    assert redact(text) == text  # in code, a bare word after = is a variable
