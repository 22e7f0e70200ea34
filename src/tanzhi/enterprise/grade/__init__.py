"""碳效码 Carbon efficiency code: rules, calc, checks, Ibis bulk engine (issue #12 items 4, 6)."""
