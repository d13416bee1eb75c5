"""The ``logging.*`` and ``telemetry.*`` signal rules, line by line."""

import pytest

import scorecards.checks.factors  # noqa: F401  (imports the collectors in their usual order)
from scorecards.collectors.repo_files.signals import logging as logging_rules
from scorecards.collectors.repo_files.signals import telemetry as telemetry_rules
from scorecards.collectors.repo_files.source_scan import scan_with_rules

RULES = [*logging_rules.RULES, *telemetry_rules.RULES]


def rules_on(path: str, language: str, line: str) -> set[str]:
    return {s["rule"] for s in scan_with_rules(path, line + "\n", language, RULES)}


@pytest.mark.parametrize(
    ("path", "language", "line"),
    [
        ("app/log.py", "python", 'h = logging.handlers.RotatingFileHandler("app.log")'),
        ("app/log.py", "python", 'logging.basicConfig(filename="app.log", level="INFO")'),
        ("app/settings.py", "python", '"file": {"class": "logging.FileHandler", "filename": "x"},'),
        ("app/log.py", "python", 'logger.add("logs/app.log", rotation="1 day")'),
        ("src/log.js", "javascript", "new winston.transports.File({ filename: 'app.log' })"),
        ("main.go", "go", 'f, _ := os.OpenFile("app.log", os.O_CREATE|os.O_WRONLY, 0o644)'),
        ("config/environments/production.rb", "ruby", 'config.logger = Logger.new("log/p.log")'),
        ("src/log.php", "php", "$log->pushHandler(new StreamHandler(__DIR__.'/app.log'));"),
        ("Program.cs", "csharp", '.WriteTo.File("logs/log.txt")'),
    ],
)
def test_it_finds_file_logging_in_code(path, language, line):
    assert any(rule.startswith("logging.file") for rule in rules_on(path, language, line))


@pytest.mark.parametrize(
    ("path", "language", "line"),
    [
        ("app/log.py", "python", "handler = logging.StreamHandler(sys.stdout)"),
        ("app/log.py", "python", "logger.add(sys.stderr, serialize=True)"),
        ("config/environments/production.rb", "ruby", "config.logger = Logger.new(STDOUT)"),
        ("src/log.php", "php", "$log->pushHandler(new StreamHandler('php://stdout'));"),
        ("src/form.js", "javascript", "{ name: 'avatar', type: 'file' }"),
        ("app/log.py", "python", '# handler = logging.FileHandler("old.log")'),
    ],
)
def test_it_does_not_flag_stdout_logging_or_comments_as_files(path, language, line):
    assert not any(rule.startswith("logging.file") for rule in rules_on(path, language, line))


def test_it_flags_a_gunicorn_access_log_path_but_not_the_dash():
    assert rules_on("gunicorn.conf.py", "python", 'accesslog = "/var/log/a.log"') == {
        "logging.file.gunicorn"
    }
    assert rules_on("gunicorn.conf.py", "python", 'accesslog = "-"') == set()


def test_it_reads_only_cmd_and_entrypoint_lines_of_dockerfiles():
    assert "logging.file.dockerfile" in rules_on(
        "Dockerfile", "dockerfile", "CMD node server.js >> /var/log/app.log 2>&1"
    )
    assert rules_on("Dockerfile", "dockerfile", "RUN make > build.log") == set()


def test_it_accepts_gunicorn_log_file_dash_in_exec_form():
    line = 'CMD ["gunicorn", "app:app", "--access-logfile", "-", "--log-file", "-"]'
    assert rules_on("Dockerfile", "dockerfile", line) == set()


def test_it_flags_a_procfile_log_file_option():
    line = "worker: celery -A app worker --logfile=/var/log/celery.log"
    assert rules_on("Procfile", "procfile", line) == {"logging.file.command"}


def test_it_flags_logback_file_appenders_only_in_logging_config_files():
    line = '<appender name="F" class="ch.qos.logback.core.rolling.RollingFileAppender">'
    assert rules_on("src/main/resources/logback.xml", "xml", line) == {"logging.file.config"}
    assert rules_on("src/main/resources/beans.xml", "xml", line) == set()


def test_it_flags_spring_logging_file_name():
    assert rules_on(
        "src/main/resources/application.properties", "properties", "logging.file.name=app.log"
    ) == {"logging.file.spring"}


@pytest.mark.parametrize(
    ("path", "language", "line"),
    [
        ("app/log.py", "python", "import structlog"),
        ("app/settings.py", "python", '"()": "pythonjsonlogger.json.JsonFormatter",'),
        ("app/handler.py", "python", "from aws_lambda_powertools import Logger, Tracer"),
        ("src/log.js", "javascript", "const pino = require('pino')"),
        ("src/log.ts", "typescript", "format: winston.format.json(),"),
        ("main.go", "go", '\t"go.uber.org/zap"'),
        ("main.go", "go", "logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))"),
        (
            "src/main/resources/logback-spring.xml",
            "xml",
            '<encoder class="net.logstash.logback.encoder.LogstashEncoder"/>',
        ),
        ("infra/lambda.tf", "hcl", '    log_format = "JSON"'),
        ("Program.cs", "csharp", ".WriteTo.Console(new RenderedCompactJsonFormatter())"),
    ],
)
def test_it_finds_structured_logging(path, language, line):
    assert any(rule.startswith("logging.structured") for rule in rules_on(path, language, line))


def test_it_does_not_take_a_go_import_written_in_python_for_structured_logging():
    assert rules_on("names.py", "python", '    "go.uber.org/zap",') == set()


@pytest.mark.parametrize(
    ("path", "language", "line"),
    [
        ("app/telemetry.py", "python", "from opentelemetry import trace"),
        ("app/main.py", "python", "import sentry_sdk"),
        ("src/tracing.js", "javascript", "const { NodeSDK } = require('@opentelemetry/sdk-node');"),
        ("main.go", "go", '\t"github.com/prometheus/client_golang/prometheus"'),
        ("src/App.java", "java", "import io.micrometer.core.instrument.MeterRegistry;"),
        ("Dockerfile", "dockerfile", 'CMD ["ddtrace-run", "gunicorn", "app.wsgi"]'),
        ("infra/lambda.tf", "hcl", '    mode = "Active"'),
        ("k8s/deployment.yaml", "yaml", '    prometheus.io/scrape: "true"'),
    ],
)
def test_it_finds_telemetry(path, language, line):
    assert any(rule.startswith("telemetry.") for rule in rules_on(path, language, line))


def test_it_does_not_take_a_package_name_in_a_python_list_for_telemetry():
    assert (
        rules_on("names.py", "python", '    "opentelemetry", "aws-xray-sdk", "datadog",') == set()
    )
