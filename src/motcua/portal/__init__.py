"""Citizens' web screens at /: catalog, accounts, online submission, tracking, rating, feedback."""
