"""Thin views of the citizens' portal: each one reads the request, calls a service, renders."""
