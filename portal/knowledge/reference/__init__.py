"""The report's reference data: its four axes and thirteen préconisations, and the themes;
the préconisation pages and their API."""
