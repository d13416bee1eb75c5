"""Configuration read from environment variables.

``env.read``: one read of an environment variable, ``detail = {"name": VAR | None, "default":
bool}`` (``default``: the same line supplies a fallback value). ``env.framework``: a framework
that binds environment variables to settings by convention (pydantic-settings, Spring Boot,
ASP.NET Core, dotenv loaders, Rails ``database.yml`` with ERB, dj-database-url, django-environ).

Each rule is one regular expression whose alternatives carry named groups, so the detail
function knows which form matched without knowing the file's language.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

_CODE = frozenset({
    "python", "javascript", "typescript", "go", "java", "kotlin", "scala", "groovy", "ruby",
    "php", "csharp", "fsharp", "vb", "rust", "elixir",
})  # fmt: skip
CODE_EXTENSIONS = (
    r"py|js|mjs|cjs|jsx|ts|tsx|mts|cts|go|java|kt|kts|scala|groovy|rb|erb|php|cs|fs|vb|rs|ex|exs"
)
# Code files, Spring Boot / Micronaut / Quarkus application config, and Rails ERB YAML config.
# YAML and properties files elsewhere (compose, CI, k8s) interpolate variables for other tools.
_FILES = (
    rf"(?i)(\.({CODE_EXTENSIONS})"
    r"|(^|/)(application|bootstrap)[\w.-]*\.(properties|ya?ml)"
    r"|(^|/)config/(database|cable|storage|redis|sidekiq|mongoid)[\w.-]*\.ya?ml"
    r"|(^|/)bin/www)$"  # the Express generator's extensionless start script
)

_NAME = r"(?P<{}>[A-Za-z_][A-Za-z0-9_.-]*)"
_ENV_NAME = r"(?P<{}>[A-Z_][A-Z0-9_]*)"  # forms that are too generic unless the name is UPPER_CASE
_Q = r"""["'`]"""

_READ_FORMS = {
    # Python
    "py_environ_get": rf"\b(?:os\.)?environ\.get\(\s*(?:{_Q}{_NAME}{_Q})?",
    "py_environ_item": rf"\b(?:os\.)?environ\[\s*(?:{_Q}{_NAME}{_Q})?",
    "py_getenv": rf"\bos\.getenv\(\s*(?:{_Q}{_NAME}{_Q})?",
    "py_environ_typed": rf"\benv\.(?:str|bool|int|float|list|dict|json|url|path|tuple|decimal)"
    rf"\(\s*{_Q}{_ENV_NAME}{_Q}",
    "py_environ_db": r"\benv\.(?P<{}>db|db_url|cache|cache_url|email|email_url|search_url)\(\s*\)",
    "call_env": rf"(?<![.\w$])env\(\s*{_Q}{_ENV_NAME}{_Q}",  # django-environ, Laravel env()
    "py_decouple": rf"(?<![.\w$])config\(\s*{_Q}{_ENV_NAME}{_Q}",
    # JavaScript / TypeScript / Deno
    "js_dot": rf"\bprocess\.env\.{_NAME}",
    "js_item": rf"\bprocess\.env\[\s*{_Q}{_NAME}{_Q}",
    "js_destructure": r"\}\s*=\s*process\.env(?P<{}>)\b(?![.\[])",
    "js_meta": rf"\bimport\.meta\.env\.{_NAME}",
    "deno": rf"\bDeno\.env\.get\(\s*{_Q}{_NAME}{_Q}",
    # Schemas validated against process.env (Joi, zod, yup, envalid validators), whose keys are
    # the variables: PORT: Joi.number().default(3000), PORT: port({ default: 3000 }).
    "js_schema": r"(?<![\w$.])(?P<{}>[A-Z][A-Z0-9_]*)\s*:\s*(?:(?:Joi|joi|z|zod|yup|envalid)"
    r"(?:\.\w+)+|port|num|str|bool|url|host)\(",
    # convict: { port: { format: "port", default: 8080, env: "PORT" } }
    "js_convict": rf"\benv\s*:\s*{_Q}{_ENV_NAME}{_Q}",
    # Go
    "go_getenv": rf"\bos\.(?:Getenv|LookupEnv)\(\s*(?:\"{_NAME}\")?",
    "go_viper_auto": r"\bviper\.(?:AutomaticEnv|SetEnvPrefix)(?P<{}>)\(",
    "go_viper_bind": rf"\bviper\.BindEnv\(\s*\"[^\"]*\"(?:\s*,\s*\"{_NAME}\")?",
    "go_tag": rf"`[^`]*\b(?:envconfig|env):\"{_NAME}[,\"]",
    # Java / Kotlin / Spring
    "jvm_getenv": rf"\bSystem\.getenv\(\s*(?:\"{_NAME}\")?",
    "jvm_value": rf"@Value\(\s*\"\$\{{{_NAME}",
    # Spring application*.properties|yml: key = ${VAR} / key: ${VAR:default}, never in a JS
    # template literal (no backtick before the placeholder).
    "placeholder": r"^\s*[\w.\-\[\]]++\s*[:=]\s*+[^`\n]*?\$\{" + _ENV_NAME + r"(?P<ph_default>:)?",
    # Ruby (and Rails ERB config)
    "rb_item": rf"\bENV\[\s*{_Q}{_NAME}{_Q}",
    "rb_fetch": rf"\bENV\.fetch\(\s*{_Q}{_NAME}{_Q}",
    # PHP
    "php_getenv": rf"(?<![.\w$>:])getenv\(\s*(?:{_Q}{_NAME}{_Q})?",
    "php_superglobal": rf"\$_(?:ENV|SERVER)\[\s*{_Q}{_NAME}{_Q}",
    # C#
    "cs_getenv": rf"\bEnvironment\.GetEnvironmentVariable\(\s*(?:\"{_NAME}\")?",
    # Rust
    "rs_var": rf"\b(?:std::)?env::var(?:_os)?\(\s*(?:\"{_NAME}\")?",
    "rs_dotenvy": rf"\bdotenvy?::var\(\s*(?:\"{_NAME}\")?",
    # Elixir
    "ex_get_env": rf"\bSystem\.(?:get_env|fetch_env!?)\(\s*(?:\"{_NAME}\")?",
    # Project helpers such as getEnv("PORT", "8080") or env_or("X", ...): UPPER_CASE names only.
    "helper": rf"\b(?:[a-z]\w*_)?(?:get_?[eE]nv|must_?[gG]et_?[eE]nv|[eE]nv_?[oO]r\w*|"
    rf"[gG]et[eE]nv\w+|require_?[eE]nv)\(\s*{_Q}{_ENV_NAME}{_Q}",
}

# $_SERVER keys that describe the request or the interpreter, not the environment.
_PHP_REQUEST_KEYS = re.compile(
    r"^(HTTP_|REQUEST_|REMOTE_|SERVER_|SCRIPT_|PHP_|REDIRECT_|ORIG_|PATH_|QUERY_STRING$|"
    r"DOCUMENT_ROOT$|HTTPS$|CONTENT_|GATEWAY_|argv$|argc$)"
)
# django-environ helpers that read a fixed variable.
_ENVIRON_DB_NAMES = {
    "db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL",
    "cache_url": "CACHE_URL", "email": "EMAIL_URL", "email_url": "EMAIL_URL",
    "search_url": "SEARCH_URL",
}  # fmt: skip
# Forms whose argument list may carry a default as a further argument.
_CALL_FORMS = frozenset({
    "py_environ_get", "py_getenv", "py_environ_typed", "call_env", "py_decouple", "php_getenv",
    "ex_get_env", "helper", "deno", "go_getenv", "jvm_getenv", "cs_getenv", "rb_fetch",
})  # fmt: skip
_SECOND_ARGUMENT = re.compile(r"^\s*,\s*(?!cast\s*=)\S")
_FALLBACK = re.compile(
    r"^[\s\"'`)\]!]*(\|\||\?\?|\?:|\bor\b|\{|\bdo\b|\.(unwrap_or\w*|or_else|orElse\w*|"
    r"getOrElse|getOrDefault|or)\b)"
)
_WRITE = re.compile(r"^[\s\"'`\]]*=(?!=)")
_DEFAULT_TAG = re.compile(r"\b(envDefault|default):\"")


# The forms each language family can hold: one smaller alternation per family scans several
# times faster than every form on every line, and a Go form cannot fire in a Python file.
_FAMILY_FORMS: dict[frozenset[str], tuple[str, ...]] = {
    frozenset({"python"}): (
        "py_environ_get", "py_environ_item", "py_getenv", "py_environ_typed", "py_environ_db",
        "call_env", "py_decouple", "helper",
    ),
    frozenset({"javascript", "typescript"}): (
        "js_dot", "js_item", "js_destructure", "js_meta", "deno", "js_schema", "js_convict",
        "helper",
    ),
    frozenset({"go"}): ("go_getenv", "go_viper_auto", "go_viper_bind", "go_tag", "helper"),
    frozenset({"java", "kotlin", "scala", "groovy"}): (
        "jvm_getenv", "jvm_value", "placeholder", "helper",
    ),
    frozenset({"ruby"}): ("rb_item", "rb_fetch", "helper"),
    frozenset({"php"}): ("php_getenv", "php_superglobal", "call_env", "helper"),
    frozenset({"csharp", "fsharp", "vb"}): ("cs_getenv", "helper"),
    frozenset({"rust"}): ("rs_var", "rs_dotenvy", "helper"),
    frozenset({"elixir"}): ("ex_get_env", "helper"),
    # Spring application config and Rails ERB YAML.
    frozenset({"properties", "yaml"}): ("placeholder", "rb_item", "rb_fetch"),
}  # fmt: skip


def _read_pattern(forms: tuple[str, ...] | None = None) -> str:
    parts = []
    for form, body in _READ_FORMS.items():
        if forms is not None and form not in forms:
            continue
        formatted = body.replace("(?P<{}>", f"(?P<{form}>", 1)
        parts.append(f"(?P<_{form}>{formatted})")
    return "|".join(parts)


def _read_detail(match: re.Match[str], line: str) -> dict | None:
    form = next(
        key[1:]
        for key, value in match.groupdict().items()
        if key.startswith("_") and value is not None
    )
    name = match.group(form) or None
    rest = line[match.end() :]
    if form == "py_environ_db":
        name = _ENVIRON_DB_NAMES[name or "db"]
    if form in {"py_environ_item", "rb_item", "php_superglobal", "js_dot", "js_item"} and (
        _WRITE.match(rest)
    ):
        return None  # an assignment to the environment, not a read
    if form == "php_superglobal" and name and _PHP_REQUEST_KEYS.match(name):
        return None
    if form == "py_environ_item" and name is None and not rest.lstrip().startswith(("'", '"')):
        return None  # environ[key] with a computed key: a helper, counted by its callers
    return {"name": name, "default": _has_default(form, match, rest, line)}


def _has_default(form: str, match: re.Match[str], rest: str, line: str) -> bool:
    if form == "placeholder":
        return match.group("ph_default") is not None
    if form == "jvm_value":
        return bool(re.match(r"^[^}:]*+:", rest))
    if form == "go_tag":
        return bool(_DEFAULT_TAG.search(line))
    if form in _CALL_FORMS and _SECOND_ARGUMENT.match(rest):
        return True
    if form in {"py_decouple", "call_env", "py_environ_typed"} and re.search(
        r"\bdefault\s*=", rest
    ):
        return True
    return bool(_FALLBACK.match(rest))


_FRAMEWORKS = {
    "pydantic-settings": r"\(\s*(?:pydantic_settings\.|pydantic\.)?BaseSettings\s*[,)]"
    r"|\bfrom\s+pydantic_settings\s+import\b",
    "spring-boot": r"@SpringBootApplication\b|\bSpringApplication\.run\(|runApplication<",
    "spring-config": r"@ConfigurationProperties\b|@ConfigProperty\(",
    "aspnet-core": r"\bWebApplication\.CreateBuilder\(|\b(?:Web)?Host\.CreateDefaultBuilder\("
    r"|\.AddEnvironmentVariables\(",
    "dotenv": r"""\brequire\(\s*["']dotenv["']\s*\)|\bimport\s+["']dotenv/config["']"""
    r"|\bdotenv\.config\(|\bload_dotenv\(|\bdotenvy?::dotenv\(|\bgodotenv\.(?:Load|Overload)\("
    r"""|\bDotenv(?:\.load|::create\w*)\b|\brequire\s+["']dotenv(?:/load)?["']""",
    "rails-erb": r"<%=\s*ENV\b",
    "dj-database-url": r"\bdj_database_url\.(?:config|parse)\(",
    "django-environ": r"\benviron\.Env\(",
    "envconfig": r"\benvconfig\.(?:Process|MustProcess)\(|\benv\.Parse\(\s*&",
    "envalid": r"\bcleanEnv\(\s*process\.env\b",
    "nestjs-config": r"\bConfigModule\.forRoot\(",
}


def _framework_pattern() -> str:
    return "|".join(f"(?P<f{index}>{body})" for index, body in enumerate(_FRAMEWORKS.values()))


_FRAMEWORK_NAMES = list(_FRAMEWORKS)


def _framework_detail(match: re.Match[str], line: str) -> dict | None:
    for index, name in enumerate(_FRAMEWORK_NAMES):
        if match.group(f"f{index}") is not None:
            return {"framework": name}
    return None


_CONFIG_LANGUAGES = frozenset({"properties", "yaml"})


def _prisma_detail(match: re.Match[str], line: str) -> dict | None:
    return {"name": match.group("name"), "default": False}


RULES = [
    # Prisma schema: `url = env("DATABASE_URL")` in a datasource block.
    SignalRule(
        id="env.read",
        languages=frozenset({"prisma"}),
        pattern=r"""^\s*(?:url|directUrl|shadowDatabaseUrl)\s*=\s*env\(\s*"(?P<name>[A-Za-z_]\w*)"\s*\)""",
        detail=_prisma_detail,
    ),
    *(
        SignalRule(
            id="env.read",
            languages=languages,
            pattern=_read_pattern(forms),
            detail=_read_detail,
            files=_FILES,
        )
        for languages, forms in _FAMILY_FORMS.items()
    ),
    SignalRule(
        id="env.framework",
        languages=_CODE | {"yaml"},
        pattern=_framework_pattern(),
        detail=_framework_detail,
        files=_FILES,
    ),
]
