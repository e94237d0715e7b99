"""People and contractor organisations: adding, inviting, roles, confirmation, deactivation.

A capability above the organisations room (``councils`` holds the models and the bare set-up
step ``user_create``): every use case here asks ``lgrshare.domain.policy.people`` and writes
its own audit event, which ``councils`` cannot do without importing upward.
"""
