"""The dossier aggregate (DESIGN.md "Shape of the code"); for now only its pure state machine core."""
