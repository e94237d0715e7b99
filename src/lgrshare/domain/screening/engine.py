"""The one rules engine: declarative rule sets of conditions over named facts.

A rule set is a JSON file in ``lgrshare/domain/rules``::

    {"name", "title", "description", "sources": [...],
     "derived_facts": [{"name", "description", "when": CONDITION}, ...],
     "groups": [{"name", "title", "count_as"?: FACT,
                 "rules": [{"code", "title", "reference", "detail"?, "outcome"?,
                            "appropriate_policy_document"?: bool, "when": CONDITION}]}]}

A CONDITION is one of::

    {"all": [CONDITION, ...]}   every one holds (an empty list holds)
    {"any": [CONDITION, ...]}   at least one holds
    {"not": CONDITION}
    {"fact": NAME, "is": VALUE}          equal (true/false only equal booleans; null for unset)
    {"fact": NAME, "in": [VALUE, ...]}   equal to one of them
    {"fact": NAME, "gte"|"gt"|"lte"|"lt": NUMBER}   a number compared; false when unset
    {"fact": NAME, "contains": VALUE}    a list-valued fact holds VALUE

Evaluation is in file order: derived facts first (each may use the ones before it), then each
group's rules; a group with ``count_as`` sets that fact to how many of its rules matched, for
later groups. Every fact a condition names must be known when the file is parsed, so a typo in
a rule fails when it is loaded, never silently at screening time.
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from lgrshare.domain.rules import RulesInvalid, read_rules_file

FactValue = bool | int | str | tuple[str, ...] | None
Condition = Mapping[str, Any]
OUTCOMES = ("required", "likely", "not-required")
_COMPARISONS = {"gte": operator.ge, "gt": operator.gt, "lte": operator.le, "lt": operator.lt}
_TESTS = ("is", "in", "contains", *_COMPARISONS)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    title: str
    reference: str
    when: Condition
    detail: str = ""
    outcome: str | None = None
    appropriate_policy_document: bool = False


@dataclass(frozen=True, slots=True)
class RuleGroup:
    name: str
    title: str
    rules: tuple[Rule, ...]
    count_as: str | None = None


@dataclass(frozen=True, slots=True)
class DerivedFact:
    name: str
    description: str
    when: Condition


@dataclass(frozen=True, slots=True)
class RuleSet:
    name: str
    title: str
    derived_facts: tuple[DerivedFact, ...]
    groups: tuple[RuleGroup, ...]

    def defined_facts(self) -> frozenset[str]:
        """Return the facts this rule set adds: its derived facts and group counts."""
        counts = {group.count_as for group in self.groups if group.count_as}
        return frozenset({fact.name for fact in self.derived_facts} | counts)


@dataclass(frozen=True, slots=True)
class Match:
    group: RuleGroup
    rule: Rule


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the rules found: every matched rule in order, and the final facts."""

    matches: tuple[Match, ...]
    facts: Mapping[str, FactValue]


@cache
def load_ruleset(name: str, known_facts: frozenset[str]) -> RuleSet:
    """Return the rule set in ``rules/<name>.json``, checked against ``known_facts``.

    Raises ``RulesInvalid`` when the file is malformed or names an unknown fact.
    """
    return parse_ruleset(read_rules_file(name), known_facts=known_facts)


def parse_ruleset(data: Mapping[str, Any], *, known_facts: Collection[str]) -> RuleSet:
    """Return the rule set ``data`` describes; ``known_facts`` are the facts given at run time.

    Raises ``RulesInvalid`` naming the first problem.
    """
    name = _text(data, "name", "rule set")
    known = set(known_facts)
    derived = []
    for item in _list(data, "derived_facts", name):
        fact = DerivedFact(
            name=_text(item, "name", name),
            description=str(item.get("description", "")),
            when=_condition(item.get("when"), known, f"{name}: derived fact {item.get('name')}"),
        )
        derived.append(fact)
        known.add(fact.name)
    groups = []
    for item in _list(data, "groups", name):
        group_name = _text(item, "name", name)
        rules = tuple(
            _rule(rule, known, f"{name}: {group_name}") for rule in _list(item, "rules", group_name)
        )
        count_as = item.get("count_as")
        if count_as is not None and not isinstance(count_as, str):
            raise RulesInvalid(f"{name}: group {group_name}: count_as must be a fact name.")
        groups.append(RuleGroup(group_name, str(item.get("title", "")), rules, count_as))
        if count_as:
            known.add(count_as)
    return RuleSet(name, str(data.get("title", "")), tuple(derived), tuple(groups))


def evaluate(rulesets: Sequence[RuleSet], facts: Mapping[str, FactValue]) -> Evaluation:
    """Return every rule of ``rulesets`` that holds for ``facts``, evaluating them in order.

    Derived facts and group counts are added to the facts as they are computed, so a later rule
    set sees those of the earlier ones. Raises nothing for well-formed (parsed) rule sets.
    """
    known: dict[str, FactValue] = dict(facts)
    matches: list[Match] = []
    for ruleset in rulesets:
        for derived in ruleset.derived_facts:
            known[derived.name] = holds(derived.when, known)
        for group in ruleset.groups:
            matched = [Match(group, rule) for rule in group.rules if holds(rule.when, known)]
            matches.extend(matched)
            if group.count_as:
                known[group.count_as] = len(matched)
    return Evaluation(tuple(matches), MappingProxyType(known))


def holds(condition: Condition, facts: Mapping[str, FactValue]) -> bool:
    """Return whether ``condition`` (already checked by ``parse_ruleset``) holds for ``facts``."""
    if "all" in condition:
        return all(holds(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, facts) for part in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], facts)
    value = facts.get(condition["fact"])
    if "is" in condition:
        return _same(value, condition["is"])
    if "in" in condition:
        return any(_same(value, option) for option in condition["in"])
    if "contains" in condition:
        return isinstance(value, tuple) and condition["contains"] in value
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    test = next(op for op in _COMPARISONS if op in condition)
    return bool(_COMPARISONS[test](value, condition[test]))


def _same(value: object, expected: object) -> bool:
    # JSON true must not equal the number 1, nor 0 equal false.
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected
    return value == expected


def _rule(item: object, known: set[str], where: str) -> Rule:
    if not isinstance(item, Mapping):
        raise RulesInvalid(f"{where}: every rule must be an object.")
    code = _text(item, "code", where)
    outcome = item.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise RulesInvalid(f"{where}: rule {code}: outcome must be one of {', '.join(OUTCOMES)}.")
    return Rule(
        code=code,
        title=_text(item, "title", f"{where}: rule {code}"),
        reference=_text(item, "reference", f"{where}: rule {code}"),
        when=_condition(item.get("when"), known, f"{where}: rule {code}"),
        detail=str(item.get("detail", "")),
        outcome=outcome,
        appropriate_policy_document=item.get("appropriate_policy_document") is True,
    )


def _condition(node: object, known: set[str], where: str) -> Condition:
    if not isinstance(node, Mapping) or not node:
        raise RulesInvalid(f"{where}: a condition must be a non-empty object.")
    if len(node) == 1 and ("all" in node or "any" in node):
        parts = node.get("all", node.get("any"))
        if not isinstance(parts, list):
            raise RulesInvalid(f"{where}: 'all' and 'any' take a list of conditions.")
        for part in parts:
            _condition(part, known, where)
        return node
    if len(node) == 1 and "not" in node:
        _condition(node["not"], known, where)
        return node
    fact = node.get("fact")
    tests = [key for key in node if key != "fact"]
    if not isinstance(fact, str) or len(tests) != 1 or tests[0] not in _TESTS:
        raise RulesInvalid(
            f"{where}: a fact test is {{'fact': NAME, TEST: VALUE}} with one TEST of "
            f"{', '.join(_TESTS)}; got {dict(node)!r}."
        )
    if fact not in known:
        raise RulesInvalid(f"{where}: unknown fact {fact!r}.")
    value = node[tests[0]]
    if tests[0] == "in" and not isinstance(value, list):
        raise RulesInvalid(f"{where}: 'in' takes a list.")
    if tests[0] in _COMPARISONS and (not isinstance(value, int | float) or isinstance(value, bool)):
        raise RulesInvalid(f"{where}: {tests[0]!r} takes a number.")
    return node


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise RulesInvalid(f"{where}: {key!r} must be a non-empty string.")
    return value


def _list(item: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise RulesInvalid(f"{where}: {key!r} must be a list.")
    return value
