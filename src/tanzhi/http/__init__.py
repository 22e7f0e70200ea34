"""Request plumbing every domain's api.py and pages.py share: session, user, scope, CSRF, i18n.

It sits just above `access` in the layer order so that domain routers can depend on it while the
app factory (`tanzhi.web`) stays at the top.
"""
