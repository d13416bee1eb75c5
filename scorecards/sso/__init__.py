"""Single sign-on with OpenID Connect: discovery, the backend, claims to roles and teams."""
