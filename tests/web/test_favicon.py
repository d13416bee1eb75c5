"""Browsers ask every page for an icon: the base template names one that exists."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_pages_name_an_icon_that_the_static_files_hold(client):
    page = client.get("/login/").content.decode()
    match = re.search(r'<link rel="icon" type="image/svg\+xml" href="/static/([^"]+)"', page)
    assert match, "no icon link on the sign-in page"
    assert finders.find(match.group(1)), match.group(1)
