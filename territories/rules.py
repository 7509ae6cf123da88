"""Who may do what in territories. The analysts group is named here, not imported from
portal.accounts: territories depends on no app above it."""

import rules

is_analyst = rules.is_group_member("analysts") | rules.is_superuser

rules.add_perm("territories.import_data", is_analyst)
rules.add_perm("territories.view_runs", is_analyst)
rules.add_perm("territories.review_signals", is_analyst)
