from tests.api.conftest import api, org, token, write_token  # noqa: F401
