"""Lambda functions declared as code with the AWS CDK (TypeScript, JavaScript, Python, Java, C#,
Go), so a CDK app is seen as serverless and its runtimes can be judged.

``function.cdk-import``: the file imports the CDK (``aws-cdk-lib``, ``aws_cdk``,
``software.amazon.awscdk``, ``Amazon.CDK``, ``aws-cdk-go``). The checks count the two rules
below only in such files: ``Function(x, ...)`` alone is also plain JavaScript or Python.
``function.cdk-lambda``: a function construct, ``detail = {"construct": name, "id": str|None}``
(``new lambda.Function(this, 'Hello', {``, ``NodejsFunction``, ``_lambda.Function(self, ...``,
``Function.Builder.create(this, ...``, ``awslambda.NewFunction(stack, ...``).
``function.cdk-runtime``: a runtime constant, ``detail = {"constant": "NODEJS_10_X",
"runtime": "nodejs10.x" | None}`` (``Runtime.PYTHON_3_8``, Go ``Runtime_GO_1_X()``);
``runtime`` is the Lambda identifier, None for ``FROM_IMAGE``.
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

_CDK_LANGUAGES = frozenset({"typescript", "javascript", "python", "java", "kotlin", "csharp", "go"})
_CONSTRUCTS = (
    "Function|NodejsFunction|PythonFunction|GoFunction|DockerImageFunction|SingletonFunction|"
    "RustFunction"
)
# The first argument is the scope (an identifier), so `new Function("a", "return a")` is left out.
_LAMBDA_PATTERN = (
    rf"\b(?P<plain>{_CONSTRUCTS})\s*\(\s*[A-Za-z_$][\w$]{{0,60}}\s*,"
    rf"|\b(?P<builder>{_CONSTRUCTS})\.Builder\.create\("
    rf"|\bNew(?P<go>{_CONSTRUCTS})\("
)
_CONSTRUCT_ID = re.compile(r""",\s*(?:jsii\.String\(\s*)?["'`]([\w.:/-]{1,100})["'`]""")
_RUNTIME_PATTERN = (
    r"\bRuntime[._](?P<constant>(?:NODEJS|PYTHON|JAVA|DOTNET|RUBY|GO|PROVIDED|FROM_IMAGE)"
    r"[A-Z0-9_]{0,30})\b"
)
_VERSIONED = re.compile(r"^(NODEJS|PYTHON|JAVA|DOTNET_CORE|DOTNET|RUBY|GO)_(\w+)$")
_PREFIX = {
    "NODEJS": "nodejs",
    "PYTHON": "python",
    "JAVA": "java",
    "DOTNET_CORE": "dotnetcore",
    "DOTNET": "dotnet",
    "RUBY": "ruby",
    "GO": "go",
}
_SPECIAL = {
    "NODEJS": "nodejs",
    "PROVIDED": "provided",
    "PROVIDED_AL2": "provided.al2",
    "PROVIDED_AL2023": "provided.al2023",
    "JAVA_8_CORRETTO": "java8.al2",
    "FROM_IMAGE": None,
}


def lambda_runtime(constant: str) -> str | None:
    """The Lambda runtime identifier of a CDK ``Runtime`` constant: ``NODEJS_10_X`` ->
    ``nodejs10.x``, ``PYTHON_3_8`` -> ``python3.8``, ``DOTNET_CORE_3_1`` -> ``dotnetcore3.1``.
    ``*_LATEST`` keeps its name (``nodejs_latest``): always a supported version."""
    if constant in _SPECIAL:
        return _SPECIAL[constant]
    if constant.endswith("_LATEST"):
        return constant.lower()
    versioned = _VERSIONED.match(constant)
    if not versioned:
        return constant.lower()
    family, version = versioned.groups()
    parts = version.split("_")
    if parts[-1] == "X":
        return f"{_PREFIX[family]}{'.'.join(parts[:-1])}.x"
    return f"{_PREFIX[family]}{'.'.join(parts)}"


def _lambda_detail(match: re.Match[str], line: str) -> dict | None:
    construct = match.group("plain") or match.group("builder") or match.group("go")
    found = _CONSTRUCT_ID.search(line, match.end() - 1)
    return {"construct": construct, "id": found.group(1) if found else None}


def _runtime_detail(match: re.Match[str], line: str) -> dict | None:
    constant = match.group("constant")
    return {"constant": constant, "runtime": lambda_runtime(constant)}


RULES = [
    SignalRule(
        id="function.cdk-import",
        languages=_CDK_LANGUAGES,
        pattern=r"aws-cdk-lib|@aws-cdk/|\baws_cdk\b|\bsoftware\.amazon\.awscdk\b|"
        r"\bAmazon\.CDK\b|github\.com/aws/aws-cdk-go/",
    ),
    SignalRule(
        id="function.cdk-lambda",
        languages=_CDK_LANGUAGES,
        pattern=_LAMBDA_PATTERN,
        detail=_lambda_detail,
    ),
    SignalRule(
        id="function.cdk-runtime",
        languages=_CDK_LANGUAGES,
        pattern=_RUNTIME_PATTERN,
        detail=_runtime_detail,
    ),
]
