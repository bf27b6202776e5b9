"""Meaning-level checks that JSON Schema cannot express.

They run on a document that already passed :mod:`app.catalog.schema`, so the
shape can be trusted. The rules protect people, not just data: a statutory task
must name its legal basis and may not rest on an unconfirmed [B] fact, because
the UI shows statutory work as non-negotiable.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from app.catalog.frequency import FrequencyError, parse_frequency
from app.catalog.model import Frequency, Unit
from app.catalog.problems import Finding, KeyPath
from app.catalog.schema import document_kind
from app.vocab.categories import CATEGORIES
from app.vocab.licences import LICENCE_KINDS
from app.vocab.location_kinds import LOCATION_KINDS

Doc = Mapping[str, Any]
REQUIRED_AFTER_DEFAULTS = ("performer", "criticality", "confidence")
FREQUENCY_FORMS = ("frequency", "by_season", "by_level")
_LEAP_YEAR = 2000  # so that "02-29" is accepted as a real day


def check_document(document: Doc) -> list[Finding]:
    """Every semantic problem of one schema-valid document."""
    checker = _Checker()
    kind = document_kind(document)
    if kind == "family_file":
        checker.family(document)
    elif kind == "area_library_file":
        checker.area_library(document)
    elif kind == "patrol_library_file":
        checker.patrol_library(document)
    return checker.findings


class _Checker:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def report(self, path: KeyPath, message: str) -> None:
        finding = Finding(path, message)
        if finding not in self.findings:
            self.findings.append(finding)

    # -- equipment families -------------------------------------------------

    def family(self, document: Doc) -> None:
        family_programmes: Doc = document.get("programmes", {})
        self.programmes(family_programmes, ("programmes",))
        for type_key, equipment_type in document["types"].items():
            path: KeyPath = ("types", type_key)
            category = equipment_type["category"]
            if category not in CATEGORIES:
                self.report((*path, "category"), f'unknown category "{category}"')
            own_programmes: Doc = equipment_type.get("programmes", {})
            self.programmes(own_programmes, (*path, "programmes"))
            programmes = {**family_programmes, **own_programmes}
            tasks: Sequence[Doc] = equipment_type["tasks"]
            self.unique_keys(tasks, (*path, "tasks"), "task")
            for index, task in enumerate(tasks):
                task_path = (*path, "tasks", index)
                programme_key = task.get("programme")
                if programme_key is not None and programme_key not in programmes:
                    self.report((*task_path, "programme"), f'unknown programme "{programme_key}"')
                defaults = programmes.get(programme_key, {}).get("defaults", {})
                self.task(task, task_path, defaults)
            self.tiers(tasks, equipment_type.get("chains", {}), (*path, "tasks"))

    def programmes(self, programmes: Doc, path: KeyPath) -> None:
        for key, programme in programmes.items():
            self.work_fields(programme.get("defaults", {}), (*path, key, "defaults"))

    def tiers(self, tasks: Sequence[Doc], chains: Doc, path: KeyPath) -> None:
        """Chains exist, levels ascend in file order, supersedes points down the same chain."""
        by_key = {task["key"]: task for task in tasks}
        last_level: dict[str, int] = {}
        item_owner: dict[tuple[str, str], str] = {}
        for index, task in enumerate(tasks):
            tier = task.get("tier")
            if tier is None:
                continue
            tier_path = (*path, index, "tier")
            chain, level = tier["chain"], tier["level"]
            if chain not in chains:
                self.report((*tier_path, "chain"), f'unknown chain "{chain}"')
                continue
            previous = last_level.get(chain)
            if previous is not None and level <= previous:
                self.report(
                    (*tier_path, "level"),
                    f'level {level} does not ascend in chain "{chain}" (previous level {previous})',
                )
            last_level[chain] = level
            self.superseded(tier, by_key, (*tier_path, "supersedes"))
            for item_index, item in enumerate(task.get("items", [])):
                owner = item_owner.setdefault((chain, item["key"]), task["key"])
                if owner != task["key"]:
                    self.report(
                        (*path, index, "items", item_index, "key"),
                        f'item key "{item["key"]}" is also used by task "{owner}" '
                        f'of chain "{chain}"',
                    )

    def superseded(self, tier: Doc, by_key: Doc, path: KeyPath) -> None:
        target_key = tier.get("supersedes")
        if target_key is None:
            return
        target = by_key.get(target_key)
        if target is None:
            self.report(path, f'supersedes "{target_key}", which is not a task of this type')
            return
        target_tier = target.get("tier")
        if target_tier is None or target_tier["chain"] != tier["chain"]:
            self.report(path, f'supersedes "{target_key}", which is not in chain "{tier["chain"]}"')
        elif target_tier["level"] >= tier["level"]:
            self.report(
                path,
                f'supersedes "{target_key}" at level {target_tier["level"]}, '
                f"which is not lower than level {tier['level']}",
            )

    # -- tasks -----------------------------------------------------------------

    def task(self, task: Doc, path: KeyPath, defaults: Doc) -> None:
        self.work_fields(task, path)
        self.frequency_forms(task, path)
        resolved = {**defaults, **task}
        self.required_after_defaults(resolved, path)
        self.combined_rules(resolved, path)
        frequency = self.parsed_frequency(task.get("frequency"), (*path, "frequency"))
        if resolved.get("anchor") == "completion" and frequency and not frequency.is_interval:
            self.report(
                (*path, "anchor"),
                'an RRULE cannot be counted from completion; use "<n> <unit>"',
            )
        ceiling = resolved.get("ceiling_days")
        if ceiling is not None and frequency is not None and frequency.approx_days > ceiling:
            self.report(
                (*path, "ceiling_days"),
                f'ceiling of {ceiling} days is shorter than the frequency "{frequency.text}"',
            )
        items: Sequence[Doc] = task.get("items", [])
        self.items(items, (*path, "items"))
        expected = task.get("expected_item_count")
        if expected is not None and len(items) > expected:
            self.report(
                (*path, "expected_item_count"),
                f"lists {len(items)} items but the standard prescribes {expected}",
            )

    def work_fields(self, fields: Doc, path: KeyPath) -> None:
        """Checks of fields that may sit on a task, a route or in defaults."""
        licence = fields.get("licence")
        if licence is not None and licence not in LICENCE_KINDS:
            self.report((*path, "licence"), f'unknown licence "{licence}"')
        if "season" in fields:
            self.season(fields["season"], (*path, "season"))

    def required_after_defaults(self, resolved: Doc, path: KeyPath) -> None:
        for name in REQUIRED_AFTER_DEFAULTS:
            if name not in resolved:
                self.report(path, f'missing "{name}" (set it here or in the defaults)')

    def combined_rules(self, resolved: Doc, path: KeyPath) -> None:
        """Rules about a task together with the defaults it inherits."""
        if resolved.get("performer") == "in_house_licensed" and not resolved.get("licence"):
            self.report((*path, "licence"), "performer in_house_licensed needs a licence")
        if resolved.get("criticality") != "statutory":
            return
        if not resolved.get("legal_basis"):
            self.report((*path, "legal_basis"), "a statutory task must name its legal_basis")
        if resolved.get("confidence") == "B":
            self.report(
                (*path, "criticality"),
                "statutory needs confirmed facts, but confidence is B (unconfirmed)",
            )

    def frequency_forms(self, task: Doc, path: KeyPath) -> None:
        given = [form for form in FREQUENCY_FORMS if form in task]
        if len(given) > 1:
            self.report(path, f"give only one of {', '.join(given)}")
        if not given and "age" not in task:
            self.report(path, "needs a frequency, by_season, by_level or age")
        for index, entry in enumerate(task.get("by_season", [])):
            entry_path = (*path, "by_season", index)
            self.season(entry["season"], (*entry_path, "season"))
            self.parsed_frequency(entry["frequency"], (*entry_path, "frequency"))
        for level, value in task.get("by_level", {}).items():
            self.parsed_frequency(value, (*path, "by_level", level))
        if "age" in task:
            self.age_bands(task["age"]["bands"], (*path, "age", "bands"))

    def age_bands(self, bands: Sequence[Doc], path: KeyPath) -> None:
        if bands[0]["min_years"] != 0:
            self.report((*path, 0, "min_years"), "the first age band must start at 0 years")
        for index, band in enumerate(bands):
            band_path = (*path, index)
            if index and band["min_years"] <= bands[index - 1]["min_years"]:
                self.report((*band_path, "min_years"), "age bands must ascend")
            if ("frequency" in band) == ("service_years" in band):
                self.report(band_path, "give either frequency or service_years")
            self.parsed_frequency(band.get("frequency"), (*band_path, "frequency"))
            upper = bands[index + 1]["min_years"] if index + 1 < len(bands) else None
            for year in band.get("service_years", []):
                age_in_that_year = year - 1
                if age_in_that_year < band["min_years"] or (upper and age_in_that_year >= upper):
                    self.report(
                        (*band_path, "service_years"),
                        f"service year {year} lies outside this band",
                    )

    def parsed_frequency(self, value: Any, path: KeyPath) -> Frequency | None:
        if value is None:
            return None
        where = (*path, "rrule") if isinstance(value, Mapping) else path
        try:
            return parse_frequency(value)
        except FrequencyError as error:
            self.report(where, str(error))
            return None

    def items(self, items: Sequence[Doc], path: KeyPath) -> None:
        self.unique_keys(items, path, "item")
        for index, item in enumerate(items):
            item_path = (*path, index)
            kind = item.get("kind", "check")
            low, high = item.get("min"), item.get("max")
            if kind == "reading":
                if "unit" not in item:
                    self.report(item_path, 'a reading needs a "unit"')
                if low is not None and high is not None and low > high:
                    self.report((*item_path, "min"), f"min {low} is greater than max {high}")
            else:
                for name in ("unit", "min", "max"):
                    if name in item:
                        self.report((*item_path, name), f'only readings have "{name}"')
            choices = item.get("choices", [])
            if kind == "choice":
                if len(choices) < 2:
                    self.report(item_path, "a choice needs at least two choices")
                self.unique_keys(choices, (*item_path, "choices"), "choice")
            elif choices:
                self.report((*item_path, "choices"), 'only kind "choice" has choices')
            if "season" in item:
                self.season(item["season"], (*item_path, "season"))

    def unique_keys(self, entries: Sequence[Doc], path: KeyPath, what: str) -> None:
        first_index: dict[str, int] = {}
        for index, entry in enumerate(entries):
            key = entry["key"]
            if key in first_index:
                self.report(
                    (*path, index, "key"),
                    f'duplicate {what} key "{key}" (first at [{first_index[key]}])',
                )
            else:
                first_index[key] = index

    def season(self, season: Doc, path: KeyPath) -> None:
        for end in ("from", "to"):
            text = season[end]
            month, day = (int(part) for part in text.split("-"))
            try:
                date(_LEAP_YEAR, month, day)
            except ValueError:
                self.report((*path, end), f'"{text}" is not a day of the year')

    def clock_times(self, window: Doc, path: KeyPath) -> None:
        for end in ("from", "to"):
            hours, minutes = (int(part) for part in window[end].split(":"))
            if hours > 23 or minutes > 59:
                self.report((*path, end), f'"{window[end]}" is not a time of day')

    def levels(self, keys: Iterable[str], declared: Doc, path: KeyPath) -> None:
        for level in keys:
            if declared and level not in declared:
                self.report((*path, level), f"service level {level} is not declared in levels")

    # -- cleaning / greening -----------------------------------------------------

    def area_library(self, document: Doc) -> None:
        defaults: Doc = document.get("defaults", {})
        self.work_fields(defaults, ("defaults",))
        declared_levels: Doc = document.get("levels", {})
        task_lists: list[tuple[KeyPath, Sequence[Doc]]] = []
        for kind, area in document["areas"].items():
            if kind not in LOCATION_KINDS:
                self.report(("areas", kind), f'unknown location kind "{kind}"')
            task_lists.append((("areas", kind, "tasks"), area["tasks"]))
        task_lists.append((("site_tasks",), document.get("site_tasks", [])))
        for path, tasks in task_lists:
            self.unique_keys(tasks, path, "task")
            for index, task in enumerate(tasks):
                self.task(task, (*path, index), defaults)
                self.levels(task.get("by_level", {}), declared_levels, (*path, index, "by_level"))

    # -- patrols -------------------------------------------------------------------

    def patrol_library(self, document: Doc) -> None:
        defaults: Doc = document.get("defaults", {})
        self.work_fields(defaults, ("defaults",))
        self.clock_times(document["daytime"], ("daytime",))
        declared_levels: Doc = document.get("levels", {})
        library_rounds: Doc = document.get("rounds", {})
        self.rounds(library_rounds, declared_levels, ("rounds",))
        for key, route in document["routes"].items():
            path: KeyPath = ("routes", key)
            self.work_fields(route, path)
            resolved = {**defaults, **route}
            self.required_after_defaults(resolved, path)
            self.combined_rules(resolved, path)
            self.rounds(route.get("rounds", {}), declared_levels, (*path, "rounds"))
            if not route.get("rounds") and not library_rounds:
                self.report(path, "needs rounds (here or at library level)")
            checkpoints: Sequence[Doc] = route["checkpoints"]
            self.unique_keys(checkpoints, (*path, "checkpoints"), "checkpoint")
            for index, checkpoint in enumerate(checkpoints):
                checkpoint_path = (*path, "checkpoints", index)
                offset = checkpoint["offset_minutes"]
                if index == 0 and offset != 0:
                    self.report(
                        (*checkpoint_path, "offset_minutes"), "the first checkpoint is at 0"
                    )
                elif index and offset < checkpoints[index - 1]["offset_minutes"]:
                    self.report(
                        (*checkpoint_path, "offset_minutes"),
                        "checkpoint offsets must not go back in time",
                    )
                kind = checkpoint["location_kind"]
                if kind not in LOCATION_KINDS:
                    self.report(
                        (*checkpoint_path, "location_kind"), f'unknown location kind "{kind}"'
                    )
                self.items(checkpoint.get("items", []), (*checkpoint_path, "items"))

    def rounds(self, rounds_by_level: Doc, declared_levels: Doc, path: KeyPath) -> None:
        self.levels(rounds_by_level, declared_levels, path)
        for level, rounds in rounds_by_level.items():
            rounds_path = (*path, level)
            counted = "day" in rounds or "night" in rounds
            if ("every" in rounds) == counted:
                self.report(rounds_path, "give either every or day/night counts")
            every = self.parsed_frequency(rounds.get("every"), (*rounds_path, "every"))
            if every is not None and every.unit not in (Unit.HOUR, Unit.DAY):
                self.report(
                    (*rounds_path, "every"), 'patrol rounds are counted in hours, e.g. "2 hours"'
                )
            if "window" in rounds:
                self.clock_times(rounds["window"], (*rounds_path, "window"))
