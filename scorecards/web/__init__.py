"""The portal's pages: server-rendered templates with htmx, reading stored scorecards only."""
