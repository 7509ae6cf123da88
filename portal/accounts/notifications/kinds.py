"""The kinds of notification, declared by the apps that send them, and the scopes whose
readers the owning app decides."""

from dataclasses import dataclass

from portal.accounts.choices import Delivery


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # lazy translation
    default: str = Delivery.IMMEDIATE


KINDS = {}
SCOPES = {}


def register(key, label, *, default=Delivery.IMMEDIATE):
    """Declare a kind of notification (in the app's AppConfig.ready())."""
    KINDS[key] = Kind(key, label, default)
    return KINDS[key]


def kind(key):
    return KINDS.get(key) or Kind(key, key)


def register_scope(prefix, readable):
    """`readable(user, idents)` → the set of idents (str) among `idents` that `user` may read,
    for scopes written "<prefix>:<ident>"."""
    SCOPES[prefix] = readable


def readable_scopes(user, scopes):
    """The scopes among `scopes` that `user` may read; an empty scope is everyone's. A scope
    of a prefix no app registered is read by nobody: nothing is shown by mistake."""
    readable = {""}
    by_prefix = {}
    for scope in set(scopes) - {""}:
        prefix, _sep, ident = scope.partition(":")
        by_prefix.setdefault(prefix, set()).add(ident)
    for prefix, idents in by_prefix.items():
        check = SCOPES.get(prefix)
        if check is not None:
            readable |= {f"{prefix}:{ident}" for ident in check(user, idents)}
    return readable
