"""Notifications: one in-app list per person, fed by every part of the portal that tells
people something, delivered by e-mail as each person chooses per kind.

- Apps declare their kinds (kinds.register) and tell people with services.notify(); a
  notification may name a *scope* ("committee:12"): whoever can no longer read the scope
  (they left a private committee) no longer sees it, in the list, the API or e-mails. The
  app owning the scope registers who may read it (kinds.register_scope).
- Each person chooses per kind: in the portal only, an e-mail at once (at most one an hour
  per topic, a thread say), or a daily digest of what they have not read, sent only to people
  who have not been on the portal since (Presence) and never twice for the same item.
- Every e-mail carries a one-click unsubscribe link for its kind (a signed token that works
  logged out) and a List-Unsubscribe header.
"""
