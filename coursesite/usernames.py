"""Usernames that could pass for someone else's are refused.

Two checks, after the NFKC normalisation Django's forms already apply:

- mixed scripts: a name may use one script, beside digits and punctuation (Unicode's
  Common and Inherited), or one of the combinations UTS #39 calls highly restrictive
  (Latin with Han and Japanese kana, with Han and Bopomofo, or with Han and Hangul). A
  Cyrillic `а` among Latin letters is refused: confusable_homoglyphs says which script
  each character is in and whether the mixture holds look-alikes;
- confusable skeletons: UTS #39's skeleton maps every character to the prototype it can
  be mistaken for (`а` -> `a`, `1` -> `l`, `rn` <- `m`). A name whose skeleton, compared
  without case, equals an existing user's is refused.

confusable_homoglyphs ships Unicode's confusables.txt as a map in both directions (each
character to the characters it is confused with). Every confusables.txt line maps a
character to its prototype and prototypes map to nothing, so the characters confused
with one another form stars around their prototype; the skeleton maps each character to
its star's centre. For the rare pair of single characters either may be the centre: the
choice does not change which names share a skeleton.
"""

from __future__ import annotations

import functools
import unicodedata

from confusable_homoglyphs import categories, confusables
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

_IGNORED_SCRIPTS = frozenset({"COMMON", "INHERITED"})
_HIGHLY_RESTRICTIVE = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_MARKS = str.maketrans("", "", "\u200e\u200f")  # direction marks around RTL samples


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character -> the prototype of its class (built once)."""
    neighbours: dict[str, set[str]] = {}
    for char, entries in confusables.confusables_data.items():
        char = char.translate(_MARKS)
        for entry in entries:
            other = entry["c"].translate(_MARKS)
            if char and other and char != other:
                neighbours.setdefault(char, set()).add(other)
                neighbours.setdefault(other, set()).add(char)
    prototype: dict[str, str] = {}
    seen: set[str] = set()
    for start in neighbours:
        if start in seen:
            continue
        group, todo = [], [start]
        seen.add(start)
        while todo:
            node = todo.pop()
            group.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        # The centre: the node with most neighbours; in a pair, a sequence (only a
        # prototype can be one), else the smaller character.
        centre = max(group, key=lambda n: (len(neighbours[n]), len(n) > 1, -ord(n[0]), n))
        for node in group:
            if len(node) == 1 and node != centre:
                prototype[node] = centre
    return prototype


def skeleton(text: str) -> str:
    """UTS #39's skeleton: NFD, each character replaced by its prototype, NFD again."""
    table = _prototypes()
    mapped = "".join(table.get(char, char) for char in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def _keys(name: str) -> set[str]:
    # Compared without case both before and after mapping: capital I looks like l,
    # Cyrillic А like A, and casefold(А) like a.
    name = unicodedata.normalize("NFKC", name)
    return {skeleton(name).casefold(), skeleton(name.casefold()).casefold()}


def mixes_scripts(name: str) -> bool:
    """True for a name mixing scripts in a way that can deceive (see the module doc)."""
    scripts = categories.unique_aliases(name) - _IGNORED_SCRIPTS
    if len(scripts) <= 1 or any(scripts <= allowed for allowed in _HIGHLY_RESTRICTIVE):
        return False
    return bool(confusables.is_dangerous(name))


def username_problem(name: str, *, exclude_pk: int | None = None) -> str | None:
    """Why `name` cannot be a new (or renamed) user's name, or None if it can.

    Reads every username once (a signup is rare; thousands of names take milliseconds).
    """
    if mixes_scripts(name):
        return (
            "This username mixes scripts (for example Latin and Cyrillic letters), so it "
            "could pass for another name. Use letters of one script."
        )
    keys = _keys(name)
    others = get_user_model().objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others.values_list("username", flat=True).iterator(chunk_size=2000):
        if keys & _keys(other):
            return (
                "This username looks too much like an existing one (letters that look "
                "alike, or only the case differs). Choose another."
            )
    return None


def validate_username(name: str, *, exclude_pk: int | None = None) -> None:
    """Raise ValidationError (for the username field) if `name` could pass for another."""
    problem = username_problem(name, exclude_pk=exclude_pk)
    if problem:
        raise ValidationError(problem, code="confusable_username")
